using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpenMaas.Inference.Grammar;

/// <summary>
/// Compiles a JSON Schema into a llama.cpp GBNF grammar (root rule <c>root</c>) that only JSON valid against the schema
/// can match, after llama.cpp's <c>json-schema-to-grammar</c>: objects list their required properties first (in
/// declared order), then each optional one; strings escape as JSON does; integers and numbers carry at most 16 integral
/// digits. Supported: <c>type</c> (one or a list), <c>properties</c>, <c>required</c>, <c>additionalProperties</c>
/// (false, true or a schema), <c>items</c>, <c>minItems</c>/<c>maxItems</c>, <c>minLength</c>/<c>maxLength</c>,
/// <c>enum</c>, <c>const</c>, <c>anyOf</c>/<c>oneOf</c>, local <c>$ref</c> (<c>#/$defs/…</c>, <c>#/definitions/…</c>)
/// and the annotations (title, description, default, examples, $schema, $id, $comment). Anything else (pattern, format,
/// minimum, allOf, …) throws <see cref="UnsupportedSchemaException"/> naming the keyword, so nothing is silently
/// loosened. Whitespace is at most one space between tokens, which keeps small models' answers short. Tool calls:
/// <see cref="ToolCallGrammar"/>.
/// </summary>
public sealed class JsonSchemaGrammar
{
    private const string Primitives = """
        space ::= " "?
        char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\/bfnrt] | "u" [0-9a-fA-F]{4})
        string ::= "\"" char* "\"" space
        integral-part ::= [0] | [1-9] [0-9]{0,15}
        number ::= "-"? integral-part ("." [0-9]{1,15})? ([eE] [-+]? [0-9]{1,3})? space
        integer ::= "-"? integral-part space
        boolean ::= ("true" | "false") space
        null ::= "null" space
        value ::= object | array | string | number | boolean | null
        object ::= "{" space (string ":" space value ("," space string ":" space value)*)? "}" space
        array ::= "[" space (value ("," space value)*)? "]" space
        """;

    private static readonly HashSet<string> Annotations =
        ["title", "description", "default", "examples", "$schema", "$id", "$comment", "$defs", "definitions", "deprecated", "readOnly", "writeOnly"];

    /// <summary>The largest length or item count a grammar repeats (<c>minLength</c>, <c>maxItems</c>, …).</summary>
    public const int MaxRepetition = 1000;

    /// <summary>The largest grammar (in characters, before the shared primitives) a schema may make.</summary>
    public const int MaxGrammarChars = 64 * 1024;

    private readonly Dictionary<string, string> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refs = new(StringComparer.Ordinal);
    private HashSet<string> _unconsumed = new(StringComparer.Ordinal);
    private JsonElement _root;
    private string _refPrefix = string.Empty;

    private JsonSchemaGrammar()
    {
    }

    /// <summary>The grammar of any JSON object (<c>response_format: json_object</c>).</summary>
    public static string AnyObject() => "root ::= object\n" + Primitives + "\n";

    /// <summary>The grammar of JSON valid against <paramref name="schema"/>.</summary>
    public static string FromSchema(JsonElement schema)
    {
        var g = new JsonSchemaGrammar { _root = schema };
        var root = g.Visit(schema, "answer", string.Empty);
        return g.Render(root);
    }

    /// <summary>A builder for grammars made of several schemas (<see cref="ToolCallGrammar"/>).</summary>
    internal static JsonSchemaGrammar Builder() => new();

    /// <summary>Compiles <paramref name="schema"/> as a root of its own (its <c>$ref</c>s resolve in it) into rules
    /// named after <paramref name="name"/>; returns the rule (or primitive) that matches it.</summary>
    internal string AddSchema(JsonElement schema, string name, string path)
    {
        _root = schema;
        _refs.Clear();
        _refPrefix = name + "-";
        return Visit(schema, name, path);
    }

    /// <summary>Adds a rule (a unique name is chosen when <paramref name="name"/> is taken by another body).</summary>
    internal string AddRule(string name, string body) => Add(name, body);

    /// <summary>The grammar text with <paramref name="root"/> as its root rule's body.</summary>
    internal string Render(string root)
    {
        var text = new StringBuilder();
        text.Append("root ::= ").Append(root).Append('\n');
        foreach (var (name, body) in _rules)
        {
            text.Append(name).Append(" ::= ").Append(body).Append('\n');
        }

        // llama.cpp compiles and walks the grammar for every sampled token: a schema that makes a huge grammar (thousands
        // of properties, tens of thousands of enum values) would hold a decode slot and a core for minutes.
        return text.Length <= MaxGrammarChars
            ? text.Append(Primitives).Append('\n').ToString()
            : throw new UnsupportedSchemaException("$", $"The schema makes a grammar of {text.Length:N0} characters; a local model enforces schemas up to {MaxGrammarChars:N0} (fewer properties, enum values or alternatives).");
    }

    /// <summary>
    /// Visits a schema, tracking the references being expanded since the last construct that consumes input (an
    /// object, array, string, number…): a reference reached again while it is still in that set would be a rule that
    /// starts with itself (<c>x ::= x | …</c>), which llama.cpp's grammar parser cannot take — refused as a 400 here.
    /// </summary>
    private string Visit(JsonElement schema, string name, string path)
    {
        var passesThrough = schema.ValueKind == JsonValueKind.Object
            && (schema.TryGetProperty("$ref", out _) || schema.TryGetProperty("anyOf", out _) || schema.TryGetProperty("oneOf", out _));
        if (passesThrough)
        {
            return VisitSchema(schema, name, path);
        }

        var saved = _unconsumed;
        _unconsumed = [];
        try
        {
            return VisitSchema(schema, name, path);
        }
        finally
        {
            _unconsumed = saved;
        }
    }

    private string VisitSchema(JsonElement schema, string name, string path)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return "value";
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new UnsupportedSchemaException(Key(path, "$"), $"{Key(path, "schema")}: a schema must be an object.");
        }

        foreach (var p in schema.EnumerateObject())
        {
            if (!Known(p.Name))
            {
                throw new UnsupportedSchemaException(Key(path, p.Name), $"The JSON Schema keyword '{p.Name}' (at {Key(path, p.Name)}) cannot be enforced by the grammar of a local model.");
            }
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Ref(reference, Key(path, "$ref"));
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return Literal(constant.GetRawText()) + " space";
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw new UnsupportedSchemaException(Key(path, "enum"), $"{Key(path, "enum")}: must be a non-empty array.");
            }

            return Add(name, "(" + string.Join(" | ", values.EnumerateArray().Select(v => Literal(Compact(v)))) + ") space");
        }

        foreach (var combinator in new[] { "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                if (options.ValueKind != JsonValueKind.Array || options.GetArrayLength() == 0)
                {
                    throw new UnsupportedSchemaException(Key(path, combinator), $"{Key(path, combinator)}: must be a non-empty array.");
                }

                var alternatives = options.EnumerateArray().Select((o, i) => Visit(o, $"{name}-{i}", Key(path, $"{combinator}.{i}")));
                return Add(name, string.Join(" | ", alternatives));
            }
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? ObjectRule(schema, name, path) : "value";
        }

        if (type.ValueKind == JsonValueKind.Array)
        {
            if (type.GetArrayLength() == 0)
            {
                throw new UnsupportedSchemaException(Key(path, "type"), $"{Key(path, "type")}: must list at least one type.");
            }

            var alternatives = type.EnumerateArray().Select((t, i) => TypeRule(schema, TypeName(t, path), $"{name}-{i}", path));
            return Add(name, string.Join(" | ", alternatives));
        }

        return TypeRule(schema, TypeName(type, path), name, path);
    }

    private static string TypeName(JsonElement type, string path) => type.ValueKind == JsonValueKind.String
        ? type.GetString()!
        : throw new UnsupportedSchemaException(Key(path, "type"), $"{Key(path, "type")}: must be a type name or a list of type names.");

    private string TypeRule(JsonElement schema, string type, string name, string path) => type switch
    {
        "object" => ObjectRule(schema, name, path),
        "array" => ArrayRule(schema, name, path),
        "string" => StringRule(schema, name, path),
        "number" => "number",
        "integer" => "integer",
        "boolean" => "boolean",
        "null" => "null",
        _ => throw new UnsupportedSchemaException(Key(path, "type"), $"{Key(path, "type")}: unknown type '{type}'."),
    };

    private string ObjectRule(JsonElement schema, string name, string path)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var req))
        {
            if (req.ValueKind != JsonValueKind.Array || req.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
            {
                throw new UnsupportedSchemaException(Key(path, "required"), $"{Key(path, "required")}: must be an array of property names.");
            }

            required.UnionWith(req.EnumerateArray().Select(r => r.GetString()!));
        }

        var mandatory = new List<string>();
        var optional = new List<string>();
        if (schema.TryGetProperty("properties", out var properties))
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                throw new UnsupportedSchemaException(Key(path, "properties"), $"{Key(path, "properties")}: must be an object.");
            }

            var i = 0;
            foreach (var property in properties.EnumerateObject())
            {
                var value = Visit(property.Value, $"{name}-{Sanitize(property.Name)}{i++}", Key(path, "properties." + property.Name));
                var kv = $"{Literal(JsonSerializer.Serialize(property.Name))} space \":\" space {value}";
                (required.Contains(property.Name) ? mandatory : optional).Add(kv);
            }
        }

        foreach (var missing in required.Where(r => !properties.ValueKind.Equals(JsonValueKind.Object) || !properties.TryGetProperty(r, out _)))
        {
            mandatory.Add($"{Literal(JsonSerializer.Serialize(missing))} space \":\" space value");
        }

        var extra = AdditionalProperties(schema, name, path);
        if (extra is not null)
        {
            optional.Add(extra + " (\",\" space " + extra + ")*");
        }

        string body;
        if (mandatory.Count > 0)
        {
            body = string.Join(" \",\" space ", mandatory) + string.Concat(optional.Select(o => $" (\",\" space {o})?"));
        }
        else if (optional.Count > 0)
        {
            // Each optional property may come first, followed by any of the later ones: the body grows with the square
            // of their number, so its size is checked before it is built (thousands of properties would otherwise
            // take seconds and hundreds of megabytes just to be refused by Render).
            CheckSize(optional, path);
            var firsts = optional.Select((o, i) => o + string.Concat(optional.Skip(i + 1).Select(later => $" (\",\" space {later})?")));
            body = "(" + string.Join(" | ", firsts) + ")?";
        }
        else
        {
            body = string.Empty;
        }

        return Add(name, $"\"{{\" space {body} \"}}\" space");
    }

    private static void CheckSize(List<string> optional, string path)
    {
        long size = 0, later = 0;
        for (var i = optional.Count - 1; i >= 0; i--)
        {
            size += optional[i].Length + later + 3;
            later += optional[i].Length + 16;
            if (size > MaxGrammarChars)
            {
                throw new UnsupportedSchemaException(Key(path, "properties"), $"{Key(path, "properties")}: {optional.Count:N0} optional properties make a grammar over {MaxGrammarChars:N0} characters; a local model enforces fewer (mark some required, or split the object).");
            }
        }
    }

    private string? AdditionalProperties(JsonElement schema, string name, string path)
    {
        if (!schema.TryGetProperty("additionalProperties", out var extra) || extra.ValueKind == JsonValueKind.False)
        {
            // Like strict structured outputs: only the declared properties (also when the keyword is absent).
            return !schema.TryGetProperty("properties", out _) && extra.ValueKind != JsonValueKind.False ? "string \":\" space value" : null;
        }

        var value = extra.ValueKind == JsonValueKind.True ? "value" : Visit(extra, name + "-extra", Key(path, "additionalProperties"));
        return $"string \":\" space {value}";
    }

    private string ArrayRule(JsonElement schema, string name, string path)
    {
        var item = schema.TryGetProperty("items", out var items) ? Visit(items, name + "-item", Key(path, "items")) : "value";
        var min = Int(schema, "minItems", path) ?? 0;
        var max = Int(schema, "maxItems", path);
        return Add(name, $"\"[\" space {Repeat(item, "\",\" space", min, max)} \"]\" space");
    }

    private string StringRule(JsonElement schema, string name, string path)
    {
        var min = Int(schema, "minLength", path) ?? 0;
        var max = Int(schema, "maxLength", path);
        if (min == 0 && max is null)
        {
            return "string";
        }

        var count = max is { } m ? $"{{{min},{m}}}" : $"{{{min},}}";
        return Add(name, $"\"\\\"\" char{count} \"\\\"\" space");
    }

    private static string Repeat(string item, string separator, int min, int? max)
    {
        if (max == 0)
        {
            return string.Empty;
        }

        var rest = max is { } m ? $"{{{Math.Max(min - 1, 0)},{m - 1}}}" : min > 1 ? $"{{{min - 1},}}" : "*";
        var list = $"{item} ({separator} {item}){rest}";
        return min == 0 ? $"({list})?" : list;
    }

    private string Ref(JsonElement reference, string path)
    {
        var target = reference.ValueKind == JsonValueKind.String
            ? reference.GetString()!
            : throw new UnsupportedSchemaException(path, $"{path}: must be a string such as '#/$defs/name'.");
        if (_unconsumed.Contains(target))
        {
            throw new UnsupportedSchemaException(path, $"{path}: the reference '{target}' leads back to itself before any value, so no JSON could ever match it.");
        }

        if (_refs.TryGetValue(target, out var known))
        {
            return known;
        }

        string[] prefixes = ["#/$defs/", "#/definitions/"];
        var prefix = prefixes.FirstOrDefault(target.StartsWith);
        if (prefix is null || !_root.TryGetProperty(prefix[2..^1], out var defs) || !defs.TryGetProperty(target[prefix.Length..], out var definition))
        {
            throw new UnsupportedSchemaException(path, $"{path}: only local references to #/$defs/… or #/definitions/… are supported (got '{target}').");
        }

        var rule = "ref-" + _refPrefix + Sanitize(target[prefix.Length..]);
        _refs[target] = rule;
        _rules[rule] = string.Empty; // reserved, so a recursive reference resolves to the rule's name
        _unconsumed.Add(target);
        var body = Visit(definition, rule + "-body", path);
        _unconsumed.Remove(target);
        _rules[rule] = body;
        return rule;
    }

    private int? Int(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < 0)
        {
            throw new UnsupportedSchemaException(Key(path, keyword), $"{Key(path, keyword)}: must be a non-negative integer.");
        }

        // llama.cpp expands x{m,n} into m copies of x: a bound in the millions would exhaust the server's memory.
        return n <= MaxRepetition
            ? n
            : throw new UnsupportedSchemaException(Key(path, keyword), $"{Key(path, keyword)}: at most {MaxRepetition} can be enforced by the grammar of a local model (got {n}).");
    }

    private string Add(string name, string body)
    {
        var rule = Sanitize(name);
        var unique = rule;
        for (var i = 1; _rules.ContainsKey(unique) && _rules[unique] != body; i++)
        {
            unique = rule + i.ToString(CultureInfo.InvariantCulture);
        }

        _rules[unique] = body;
        return unique;
    }

    private static bool Known(string keyword) => Annotations.Contains(keyword) || keyword is "type" or "properties" or "required" or
        "additionalProperties" or "items" or "minItems" or "maxItems" or "minLength" or "maxLength" or "enum" or "const" or
        "anyOf" or "oneOf" or "$ref";

    private static string Compact(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            value.WriteTo(w);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A GBNF string literal matching <paramref name="text"/> exactly.</summary>
    internal static string Literal(string text)
    {
        var s = new StringBuilder("\"");
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => s.Append("\\\""),
                '\\' => s.Append("\\\\"),
                '\n' => s.Append("\\n"),
                '\r' => s.Append("\\r"),
                '\t' => s.Append("\\t"),
                _ => s.Append(c),
            };
        }

        return s.Append('"').ToString();
    }

    private static string Sanitize(string name)
    {
        var s = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            s.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-');
        }

        return s.ToString();
    }

    private static string Key(string path, string keyword) => path.Length == 0 ? keyword : path + "." + keyword;
}

using System.Text.RegularExpressions;
using System.Xml.Linq;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.WebConsole;

/// <summary>Every string a console page asks the localizer for (<c>L["…"]</c>) has a Simplified Chinese translation.</summary>
public sealed partial class ConsoleTextTests
{
    [GeneratedRegex("""\b[lL]\["((?:[^"\\]|\\.)*)"[,\]]""")]
    private static partial Regex Lookup();

    [GeneratedRegex("""\bnew\("\w+", "((?:[^"\\]|\\.)*)"[,)]""")]
    private static partial Regex RuleTemplate();

    [Fact]
    public void EveryConsoleString_HasAChineseTranslation()
    {
        var folder = Path.Combine(TestAssets.RepoRoot, "src", "OpenMaas.Server", "WebConsole");
        var translated = XDocument.Load(Path.Combine(folder, "ConsoleText.zh-Hans.resx")).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!, StringComparer.Ordinal);
        // The console also says why a domain rule (Core's *Rules.cs) refused a form, translating the rule's template.
        var rules = Directory.EnumerateFiles(Path.Combine(TestAssets.RepoRoot, "src", "OpenMaas.Core"), "*Rules.cs", SearchOption.AllDirectories)
            .SelectMany(f => RuleTemplate().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToList();
        Assert.True(rules.Count >= 7, $"only {rules.Count} rule templates found: is the pattern still right?");
        var used = Directory.EnumerateFiles(folder, "*.cs*", SearchOption.AllDirectories)
            .SelectMany(f => Lookup().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Concat(rules)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.True(used.Count > 150, $"only {used.Count} strings found: is the pattern still right?");
        var missing = used.Where(k => !translated.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "Untranslated: " + string.Join(" | ", missing));
        var placeholders = translated.Where(t => Regex.Matches(t.Key, @"\{\d\}").Count != Regex.Matches(t.Value, @"\{\d\}").Count).Select(t => t.Key).ToList();
        Assert.True(placeholders.Count == 0, "Placeholders differ: " + string.Join(" | ", placeholders));
    }
}

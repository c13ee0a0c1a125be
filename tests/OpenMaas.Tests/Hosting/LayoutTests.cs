using System.Text.RegularExpressions;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Hosting;

/// <summary>
/// The server's folders say which is which (docs/architecture.md), and these rules keep it so: the pipeline knows no
/// protocol, runtime, front end or auth scheme; runtimes know the pipeline only; a protocol knows no other protocol
/// (one named exception) and no front end; nothing but the composition root and the CLI knows the composition root.
/// Every reference to another folder's namespace in a source file (using or qualified) is checked.
/// </summary>
public sealed partial class LayoutTests
{
    private static readonly string Server = Path.Combine(TestAssets.RepoRoot, "src", "OpenMaas.Server");

    /// <summary>Folder → the folders it may reference (besides itself).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Operations"] = [],
        ["Pipeline"] = ["Operations"],
        ["Runtimes"] = ["Pipeline"],
        ["Auth"] = ["Pipeline"],
        ["Library"] = ["Pipeline"],
        ["Protocols"] = ["Pipeline", "Runtimes", "Auth", "Library"],
        ["WebConsole"] = ["Pipeline", "Runtimes", "Auth", "Library", "Protocols"],
        ["Cli"] = ["Pipeline", "Runtimes", "Library", "Hosting"],
        ["Hosting"] = ["Operations", "Pipeline", "Runtimes", "Auth", "Library", "Protocols", "WebConsole"],
    };

    /// <summary>Protocol → the other protocols it may reference: /v1/models answers Anthropic's clients in their shape.</summary>
    private static readonly Dictionary<string, string[]> ProtocolsAllowed = new(StringComparer.Ordinal)
    {
        ["OpenAI"] = ["Anthropic"],
    };

    [Fact]
    public void EveryServerFolder_HasARule()
    {
        var folders = Directory.GetDirectories(Server).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Order();
        Assert.Equal(Allowed.Keys.Order(), folders);
    }

    [Fact]
    public void Folders_ReferenceOnlyWhatTheirRuleAllows()
    {
        var broken = new List<string>();
        foreach (var (file, folder, sub) in SourceFiles())
        {
            foreach (var (target, targetSub) in References(File.ReadAllText(file)))
            {
                var allowed = target == folder
                    ? folder != "Protocols" || targetSub is null || targetSub == sub || ProtocolsAllowed.GetValueOrDefault(sub ?? string.Empty, []).Contains(targetSub)
                    : Allowed[folder].Contains(target);
                if (!allowed)
                {
                    broken.Add($"{Path.GetRelativePath(Server, file)} → {target}{(targetSub is null ? string.Empty : "/" + targetSub)}");
                }
            }
        }

        Assert.True(broken.Count == 0, "References against docs/architecture.md's rules:\n" + string.Join('\n', broken.Distinct()));
    }

    [Fact]
    public void TheRules_CatchAReferenceTheyForbid()
    {
        // The check itself can fail: a pipeline file that named a protocol would be reported.
        var found = References("using OpenMaas.Server.Protocols.OpenAI;\nvar x = OpenMaas.Server.Runtimes.Engines.Foo;").ToList();
        Assert.Equal([("Protocols", "OpenAI"), ("Runtimes", "Engines")], found);
        Assert.DoesNotContain("Protocols", Allowed["Pipeline"]);
    }

    private static IEnumerable<(string File, string Folder, string? Sub)> SourceFiles() =>
        Directory.EnumerateFiles(Server, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .Select(f => (f, Path.GetRelativePath(Server, f).Split(Path.DirectorySeparatorChar)))
            .Where(x => x.Item2.Length > 1 && x.Item2[0] is not ("bin" or "obj"))
            .Select(x => (x.f, x.Item2[0], x.Item2.Length > 2 ? x.Item2[1] : null));

    private static IEnumerable<(string Folder, string? Sub)> References(string source) =>
        NamespaceReference().Matches(source).Select(m => (m.Groups[1].Value, m.Groups[2].Success ? m.Groups[2].Value : null)).Distinct();

    [GeneratedRegex(@"OpenMaas\.Server\.([A-Za-z]+)(?:\.([A-Za-z]+))?")]
    private static partial Regex NamespaceReference();
}

using System.CommandLine;
using OpenMaas.Core.Catalog;

namespace OpenMaas.Server.Cli;

/// <summary>The card options shared by <c>model add</c> and <c>model set</c>.</summary>
internal sealed class ModelCardOptions
{
    private readonly Option<string?> _displayName = new("--display-name") { Description = "Name shown in the library" };
    private readonly Option<string?> _license = new("--license") { Description = "Licence, e.g. apache-2.0" };
    private readonly Option<string?> _tags = new("--tags") { Description = "Comma-separated tags (replaces the current ones; \"\" clears)" };
    private readonly Option<string?> _description = new("--description") { Description = "One-paragraph description" };
    private readonly Option<FileInfo?> _readme = new("--readme") { Description = "Model card: a Markdown file (README.md)" };

    public void AddTo(Command command)
    {
        command.Options.Add(_displayName);
        command.Options.Add(_license);
        command.Options.Add(_tags);
        command.Options.Add(_description);
        command.Options.Add(_readme);
    }

    /// <summary>The card change; its Readme is the path of the Markdown file, not its text.</summary>
    public ModelCardChange Read(ParseResult parse) => new()
    {
        DisplayName = parse.GetValue(_displayName),
        License = parse.GetValue(_license),
        Tags = parse.GetValue(_tags) is { } tags ? ModelCardChange.ParseTags(tags) : null,
        Description = parse.GetValue(_description),
        Readme = parse.GetValue(_readme)?.FullName,
    };
}

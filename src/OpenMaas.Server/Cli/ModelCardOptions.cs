using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Organizations;

namespace OpenMaas.Server.Cli;

/// <summary>The card options shared by <c>model add</c> and <c>model set</c>.</summary>
internal sealed class ModelCardOptions
{
    private readonly Option<string?> _displayName = new("--display-name") { Description = "Name shown in the library" };
    private readonly Option<string?> _license = new("--license") { Description = "Licence, e.g. apache-2.0" };
    private readonly Option<string?> _tags = new("--tags") { Description = "Comma-separated tags (replaces the current ones; \"\" clears)" };
    private readonly Option<string?> _description = new("--description") { Description = "One-paragraph description" };
    private readonly Option<FileInfo?> _readme = new("--readme") { Description = "Model card: a Markdown file (README.md)" };
    private readonly Option<bool> _private = new("--private")
    {
        Description = "Private to the members of the organisation that owns it (the ID's owner part): true or false; alone means true",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_displayName);
        command.Options.Add(_license);
        command.Options.Add(_tags);
        command.Options.Add(_description);
        command.Options.Add(_readme);
        command.Options.Add(_private);
    }

    /// <summary>The card change; its Readme is the path of the Markdown file, not its text.</summary>
    public ModelCardChange Read(ParseResult parse) => new()
    {
        DisplayName = parse.GetValue(_displayName),
        License = parse.GetValue(_license),
        Tags = parse.GetValue(_tags) is { } tags ? ModelCardChange.ParseTags(tags) : null,
        Description = parse.GetValue(_description),
        Readme = parse.GetValue(_readme)?.FullName,
        Private = parse.GetResult(_private) is null ? null : parse.GetValue(_private),
    };

    /// <summary>Exit 2 with the rule's message when <paramref name="change"/> makes a model private whose owner part
    /// names no organisation (the same rule as the API's); null when the change may go ahead.</summary>
    public static async Task<int?> CheckPrivateAsync(IServiceProvider services, string modelId, ModelCardChange change, CancellationToken ct)
    {
        if (change.Private is not true || !ModelId.IsValid(modelId))
        {
            return null;
        }

        var organization = await services.GetRequiredService<IOrganizationService>().FindAsync(modelId[..modelId.IndexOf('/')], ct);
        if (OrganizationRules.CheckPrivate(modelId, organization is not null) is not { } refused)
        {
            return null;
        }

        await Console.Error.WriteLineAsync(refused.Message);
        return 2;
    }
}

using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core;
using OpenMaas.Core.Tokens;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas token set ID --models a/b,c/* --daily 100</c>: changes a token's scope; options left out keep
/// their value. It applies from the running server's next call.</summary>
internal static class TokenSetCommand
{
    public static Option<string?> ModelsOption() => new("--models")
    {
        Description = "Model IDs or owner/* patterns the token may call, comma-separated ('*': every model)",
    };

    public static Option<string?> DailyOption() => new("--daily")
    {
        Description = "The token's own daily call cap ('none': only the user's limits apply)",
    };

    public static Command Create()
    {
        var idOrPrefix = new Argument<string>("ID_OR_PREFIX") { Description = "Token ID or display prefix (ms-xxxxxxxx)" };
        var models = ModelsOption();
        var daily = DailyOption();
        var command = new Command("set", "Limit a token to some models and/or a daily cap of its own") { idOrPrefix, models, daily };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(models) is null && parse.GetValue(daily) is null)
            {
                await Console.Error.WriteLineAsync("Nothing to change: give --models and/or --daily.");
                return 2;
            }

            await using var services = await CliServices.CreateAsync(parse, ct);
            var tokens = services.GetRequiredService<ITokenService>();
            if (await TokenCommands.FindOneAsync(tokens, parse.GetValue(idOrPrefix)!, ct) is not { } token)
            {
                return 1;
            }

            if (Apply(token.Scope, parse.GetValue(models), parse.GetValue(daily), out var scope) is { } refused)
            {
                await Console.Error.WriteLineAsync(Refusal(refused));
                return 2;
            }

            await tokens.SetScopeAsync(token.Id, scope, ct);
            await Console.Error.WriteLineAsync($"Token {token.Id} ({token.Prefix}…) of '{token.UserName}': {Describe(scope)}.");
            return 0;
        });
        return command;
    }

    /// <summary>The scope after the given options (null: keep), read by <see cref="TokenRules"/> as /api/v1 and the
    /// console read them; what the rules refuse, or null.</summary>
    public static RuleViolation? Apply(TokenScope current, string? models, string? daily, out TokenScope scope)
    {
        scope = current;
        if (models is not null)
        {
            if (TokenRules.ParseModels(models, out var patterns) is { } refused)
            {
                return refused;
            }

            scope = scope with { Models = patterns };
        }

        if (daily is not null)
        {
            if (TokenRules.ParseDailyCalls(daily, out var cap) is { } refused)
            {
                return refused;
            }

            scope = scope with { DailyCalls = cap };
        }

        return null;
    }

    /// <summary>A refusal as the CLI prints it: the option it concerns, then the rule's message.</summary>
    public static string Refusal(RuleViolation refused) => refused.Field switch
    {
        "expiresDays" => "--expires-days: ",
        "dailyCalls" => "--daily: ",
        "graceMinutes" => "--grace-minutes: ",
        _ => $"--{refused.Field}: ",
    } + refused.Message;

    public static string Describe(TokenScope scope) =>
        (scope.RestrictsModels ? $"models {string.Join(", ", scope.Models)}" : "every model") +
        (scope.DailyCalls is { } cap ? $", at most {cap} calls a day" : ", no daily cap of its own");
}

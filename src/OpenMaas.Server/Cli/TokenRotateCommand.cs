using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core;
using OpenMaas.Core.Tokens;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas token rotate ID_OR_PREFIX [--grace-minutes N]</c>: a new text for the same token, printed once on
/// stdout; the old text keeps working for the grace period.</summary>
internal static class TokenRotateCommand
{
    public static Command Create()
    {
        var idOrPrefix = new Argument<string>("ID_OR_PREFIX") { Description = "Token ID or display prefix (ms-xxxxxxxx)" };
        var grace = new Option<int>("--grace-minutes")
        {
            Description = $"Minutes the old text keeps working, 0 to {TokenRules.MaxGraceMinutes} (default 0: refused at once)",
        };
        var command = new Command("rotate", "Give a token a new text (same ID, scope, caps and history) and print it (only this once) on stdout") { idOrPrefix, grace };
        command.SetAction(async (parse, ct) =>
        {
            if (TokenRules.CheckGraceMinutes(parse.GetValue(grace)) is { } refused)
            {
                await Console.Error.WriteLineAsync(TokenSetCommand.Refusal(refused));
                return 2;
            }

            await using var services = await CliServices.CreateAsync(parse, ct);
            var tokens = services.GetRequiredService<ITokenService>();
            if (await TokenCommands.FindOneAsync(tokens, parse.GetValue(idOrPrefix)!, ct) is not { } token)
            {
                return 1;
            }

            CreatedToken? rotated;
            try
            {
                rotated = await tokens.RotateAsync(token.Id, TimeSpan.FromMinutes(parse.GetValue(grace)), ct);
            }
            catch (RuleViolationException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 1;
            }

            if (rotated is null)
            {
                await Console.Error.WriteLineAsync($"No token '{parse.GetValue(idOrPrefix)}'.");
                return 1;
            }

            var old = rotated.Info.PreviousValidUntil is { } until ? $"the old text works until {until:yyyy-MM-dd HH:mm zzz}" : "the old text is refused from now on";
            await Console.Error.WriteLineAsync($"Rotated token {token.Id} of '{token.UserName}': new prefix {rotated.Info.Prefix}…; {old}. The new text is shown only this once.");
            Console.WriteLine(rotated.Text);
            return 0;
        });
        return command;
    }
}

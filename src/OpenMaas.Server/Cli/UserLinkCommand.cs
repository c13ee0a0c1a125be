using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core;
using OpenMaas.Core.Accounts;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas user link-sso NAME --provider P --subject SUB [--issuer URL]</c>: lets an existing account sign
/// in through a single sign-on provider, matched by the provider's issuer and the person's subject (never by e-mail).
/// Needed when <c>Auth:Oidc:CreateAccounts</c> is false.</summary>
internal static class UserLinkCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "Account name" };
        var provider = new Option<string>("--provider") { Description = "The provider's name in Auth:Oidc:Providers", Required = true };
        var subject = new Option<string>("--subject") { Description = "The person's subject (the ID token's 'sub') at that provider", Required = true };
        var issuer = new Option<string?>("--issuer") { Description = "The provider's issuer (default: its configured Authority)" };
        var command = new Command("link-sso", "Link an account to a person at a single sign-on provider") { name, provider, subject, issuer };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            var providerName = parse.GetValue(provider)!;
            var iss = parse.GetValue(issuer) ?? services.GetRequiredService<IConfiguration>()[$"Auth:Oidc:Providers:{providerName}:Authority"];
            if (string.IsNullOrWhiteSpace(iss))
            {
                await Console.Error.WriteLineAsync($"No provider '{providerName}' in Auth:Oidc:Providers: configure it, or give --issuer.");
                return 2;
            }

            try
            {
                if (!await services.GetRequiredService<IExternalAccounts>().LinkAsync(parse.GetValue(name)!, providerName, iss, parse.GetValue(subject)!, ct))
                {
                    await Console.Error.WriteLineAsync($"No user '{parse.GetValue(name)}'.");
                    return 1;
                }
            }
            catch (RuleViolationException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 1;
            }

            await Console.Error.WriteLineAsync($"'{parse.GetValue(name)}' signs in through {providerName} as '{parse.GetValue(subject)}'.");
            return 0;
        });
        return command;
    }
}

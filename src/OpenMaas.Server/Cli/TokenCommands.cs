using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Tokens;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas token create|list|set|rotate|revoke</c>. <c>create</c> prints the token alone on stdout.</summary>
internal static class TokenCommands
{
    public static Command Create() => new("token", "Manage access tokens")
    {
        CreateToken(),
        List(),
        TokenSetCommand.Create(),
        TokenRotateCommand.Create(),
        Revoke(),
    };

    private static Command CreateToken()
    {
        var user = new Option<string>("--user") { Description = "The account the token belongs to", Required = true };
        var description = new Option<string?>("--description") { Description = $"What the token is for (at most {TokenRules.MaxDescriptionLength} characters)" };
        var expires = new Option<int?>("--expires-days") { Description = $"Days until the token expires, 1 to {TokenRules.MaxExpiresDays} (default: never)" };
        var models = TokenSetCommand.ModelsOption();
        var daily = TokenSetCommand.DailyOption();
        var org = new Option<string?>("--org") { Description = "Make the token the organisation's (name or ID), for --user, a member: its calls carry the organisation" };
        var command = new Command("create", "Create an access token and print it (only this once) on stdout") { user, description, expires, models, daily, org };
        command.SetAction(async (parse, ct) =>
        {
            // The rules /api/v1 and the console apply, checked before anything is opened.
            if ((TokenSetCommand.Apply(TokenScope.Unrestricted, parse.GetValue(models), parse.GetValue(daily), out var scope)
                ?? TokenRules.CheckNew(parse.GetValue(description), parse.GetValue(expires), scope)) is { } refused)
            {
                await Console.Error.WriteLineAsync(TokenSetCommand.Refusal(refused));
                return 2;
            }

            await using var services = await CliServices.CreateAsync(parse, ct);
            var account = await services.GetRequiredService<IAccountService>().FindAsync(parse.GetValue(user)!, ct);
            if (account is null)
            {
                await Console.Error.WriteLineAsync($"No user '{parse.GetValue(user)}'. Create it with: openmaas user add NAME");
                return 1;
            }

            long? organizationId = null;
            if (parse.GetValue(org) is { } orgName)
            {
                var organizations = services.GetRequiredService<IOrganizationService>();
                if (await OrgCommands.FindOrganizationAsync(organizations, orgName, ct) is not { } organization)
                {
                    return 1;
                }

                if (await organizations.RoleOfAsync(organization.Id, account.Id, ct) is null)
                {
                    // The rule /api/v1/orgs/{org}/tokens applies: an organisation's token is for one of its members.
                    await Console.Error.WriteLineAsync($"'{account.Name}' is not a member of {organization.Name}: add them first.");
                    return 2;
                }

                organizationId = organization.Id;
            }

            var created = await services.GetRequiredService<ITokenService>().CreateAsync(account.Id, parse.GetValue(description), parse.GetValue(expires), scope, organizationId, ct);
            await Console.Error.WriteLineAsync($"Created token {created.Info.Id} ({created.Info.Prefix}…) for '{account.Name}'"
                + (organizationId is null ? string.Empty : $" of organisation {parse.GetValue(org)}")
                + (created.Info.ExpiresAt is { } e ? $", expires {e:yyyy-MM-dd HH:mm zzz}" : string.Empty)
                + (scope.IsUnrestricted ? string.Empty : $", {TokenSetCommand.Describe(scope)}")
                + ". It is shown only this once; anyone holding it can spend this account's quota.");
            Console.WriteLine(created.Text);
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var user = new Option<string?>("--user") { Description = "Only this account's tokens" };
        var command = new Command("list", "List access tokens (never their text)") { user };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            long? userId = null;
            if (parse.GetValue(user) is { } name)
            {
                var account = await services.GetRequiredService<IAccountService>().FindAsync(name, ct);
                if (account is null)
                {
                    await Console.Error.WriteLineAsync($"No user '{name}'.");
                    return 1;
                }

                userId = account.Id;
            }

            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            Console.WriteLine($"{"ID",5} {"USER",-16} {"PREFIX",-12} {"STATUS",-8} {"CREATED",-17} {"LAST USED",-17} {"EXPIRES",-17} {"TODAY",9} {"MODELS",-24} DESCRIPTION");
            foreach (var t in await services.GetRequiredService<ITokenService>().ListAsync(userId, ct))
            {
                var status = t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= now ? "expired" : "active";
                var today = t.Scope.DailyCalls is { } cap ? $"{t.UsedToday}/{cap}" : t.UsedToday.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var scope = t.Scope.RestrictsModels ? string.Join(',', t.Scope.Models) : "*";
                Console.WriteLine($"{t.Id,5} {t.UserName,-16} {t.Prefix,-12} {status,-8} {Time(t.CreatedAt),-17} {Time(t.LastUsedAt),-17} {Time(t.ExpiresAt),-17} {today,9} {scope,-24} {t.Description}");
            }

            return 0;
        });
        return command;
    }

    private static Command Revoke()
    {
        var idOrPrefix = new Argument<string>("ID_OR_PREFIX") { Description = "Token ID or display prefix (ms-xxxxxxxx)" };
        var command = new Command("revoke", "Revoke an access token: it stops working at once") { idOrPrefix };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            var tokens = services.GetRequiredService<ITokenService>();
            if (await FindOneAsync(tokens, parse.GetValue(idOrPrefix)!, ct) is not { } token)
            {
                return 1;
            }

            if (!await tokens.RevokeAsync(token.Id, ct))
            {
                await Console.Error.WriteLineAsync($"Token {token.Id} ({token.Prefix}…) was already revoked.");
                return 0;
            }

            await Console.Error.WriteLineAsync($"Revoked token {token.Id} ({token.Prefix}…) of '{token.UserName}'.");
            return 0;
        });
        return command;
    }

    /// <summary>The one token an ID or display prefix names; null (after saying why on stderr) otherwise.</summary>
    public static async Task<TokenInfo?> FindOneAsync(ITokenService tokens, string idOrPrefix, CancellationToken ct)
    {
        var matches = await tokens.FindAsync(idOrPrefix, ct);
        if (matches.Count == 1)
        {
            return matches[0];
        }

        await Console.Error.WriteLineAsync(matches.Count == 0 ? $"No token '{idOrPrefix}'." : $"'{idOrPrefix}' matches {matches.Count} tokens; use the ID.");
        return null;
    }

    private static string Time(DateTimeOffset? t) => t is { } v ? v.ToLocalTime().ToString("yyyy-MM-dd HH:mm") : "-";
}

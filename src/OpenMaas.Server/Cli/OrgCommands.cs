using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Organizations;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas org add|remove|list</c> and <c>openmaas org member add|set|remove|list</c>. The CLI acts as a system
/// admin; the input rules are the ones <c>/api/v1/orgs</c> and the console apply (exit 2 with their message).</summary>
internal static class OrgCommands
{
    public static Command Create() => new("org", "Manage organisations: members, roles, tokens (token create --org) and private models")
    {
        Add(),
        Remove(),
        List(),
        new Command("member", "Manage an organisation's members") { AddMember(), SetMember(), RemoveMember(), ListMembers() },
    };

    private static Command Add()
    {
        var name = new Argument<string>("NAME") { Description = "Organisation name: the owner part of its models' IDs (NAME/model)" };
        var displayName = new Option<string?>("--display-name") { Description = "Name shown in the console" };
        var owner = new Option<string?>("--owner") { Description = "Its first owner (a user name)" };
        var command = new Command("add", "Create an organisation") { name, displayName, owner };
        command.SetAction(async (parse, ct) =>
        {
            var orgName = parse.GetValue(name)!;
            if ((OrganizationRules.CheckName(orgName) ?? OrganizationRules.CheckDisplayName(parse.GetValue(displayName))) is { } refused)
            {
                return await RefuseAsync(refused);
            }

            await using var services = await CliServices.CreateAsync(parse, ct);
            long? ownerId = null;
            if (parse.GetValue(owner) is { } ownerName)
            {
                if (await FindUserAsync(services, ownerName, ct) is not { } user)
                {
                    return 1;
                }

                ownerId = user.Id;
            }

            var created = await services.GetRequiredService<IOrganizationService>().CreateAsync(orgName, parse.GetValue(displayName), ownerId, ct);
            if (created is null)
            {
                await Console.Error.WriteLineAsync($"The organisation '{orgName}' exists already.");
                return 1;
            }

            await Console.Error.WriteLineAsync($"Created organisation {created.Id} '{created.Name}'" + (ownerId is null ? "." : $" owned by '{parse.GetValue(owner)}'."));
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("NAME") { Description = "Organisation name or ID" };
        var command = new Command("remove", "Delete an organisation that owns no models, with its memberships, tokens and limits") { name };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            var organizations = services.GetRequiredService<IOrganizationService>();
            if (await FindOrganizationAsync(organizations, parse.GetValue(name)!, ct) is not { } o)
            {
                return 1;
            }

            try
            {
                if (await organizations.DeleteAsync(o.Id, ct) is not { } deleted)
                {
                    await Console.Error.WriteLineAsync($"No organisation '{o.Name}'.");
                    return 1;
                }

                await Console.Error.WriteLineAsync($"Deleted organisation '{deleted.Name}': {deleted.Members} memberships and {deleted.Tokens} tokens removed.");
                return 0;
            }
            catch (RuleViolationException e)
            {
                return await RefuseAsync(e.Violation);
            }
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the organisations");
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            Console.WriteLine($"{"ID",5} {"NAME",-24} {"MEMBERS",7} {"CREATED",-17} DISPLAY NAME");
            foreach (var o in await services.GetRequiredService<IOrganizationService>().ListAsync(0, all: true, ct))
            {
                Console.WriteLine($"{o.Id,5} {o.Name,-24} {o.Members,7} {o.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm} {o.DisplayName}");
            }

            return 0;
        });
        return command;
    }

    private static Command AddMember()
    {
        var (org, user, role) = MemberArguments();
        var command = new Command("add", "Add a user to an organisation with a role") { org, user, role };
        command.SetAction((parse, ct) => ChangeAsync(parse, org, user, role, ct, async (organizations, o, u, r) =>
            await organizations.AddMemberAsync(o.Id, u.Id, r!, ct) ? $"Added '{u.Name}' to {o.Name} as {r}." : null,
            "'{0}' is a member of {1} already; change the role with: openmaas org member set {1} {0} --role ROLE"));
        return command;
    }

    private static Command SetMember()
    {
        var (org, user, role) = MemberArguments();
        var command = new Command("set", "Change a member's role") { org, user, role };
        command.SetAction((parse, ct) => ChangeAsync(parse, org, user, role, ct, async (organizations, o, u, r) =>
            await organizations.SetRoleAsync(o.Id, u.Id, r!, ct) ? $"'{u.Name}' is now {r} of {o.Name}." : null, NotMember));
        return command;
    }

    private static Command RemoveMember()
    {
        var (org, user, _) = MemberArguments();
        var command = new Command("remove", "Remove a member (their tokens of the organisation are revoked)") { org, user };
        command.SetAction((parse, ct) => ChangeAsync(parse, org, user, null, ct, async (organizations, o, u, _) =>
            await organizations.RemoveMemberAsync(o.Id, u.Id, ct) ? $"Removed '{u.Name}' from {o.Name}." : null, NotMember));
        return command;
    }

    private static Command ListMembers()
    {
        var org = new Argument<string>("ORG") { Description = "Organisation name or ID" };
        var command = new Command("list", "List an organisation's members and their roles") { org };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            var organizations = services.GetRequiredService<IOrganizationService>();
            if (await FindOrganizationAsync(organizations, parse.GetValue(org)!, ct) is not { } o)
            {
                return 1;
            }

            Console.WriteLine($"{"USER",-24} {"ROLE",-7} JOINED");
            foreach (var m in await organizations.MembersAsync(o.Id, ct))
            {
                Console.WriteLine($"{m.UserName,-24} {m.Role,-7} {m.JoinedAt.ToLocalTime():yyyy-MM-dd HH:mm}");
            }

            return 0;
        });
        return command;
    }

    private static (Argument<string> Org, Argument<string> User, Option<string> Role) MemberArguments() =>
        (new Argument<string>("ORG") { Description = "Organisation name or ID" },
         new Argument<string>("USER") { Description = "User name" },
         new Option<string>("--role") { Description = "owner, admin or member", DefaultValueFactory = _ => OrganizationRoles.Member });

    private const string NotMember = "'{0}' is not a member of {1}.";

    /// <summary>A membership change: the role checked first, then the organisation and the user found; the change
    /// says what it did, or null and <paramref name="nothing"/> ({0}: the user, {1}: the organisation) is said.</summary>
    private static async Task<int> ChangeAsync(
        ParseResult parse, Argument<string> org, Argument<string> user, Option<string>? role, CancellationToken ct,
        Func<IOrganizationService, Organization, UserAccount, string?, Task<string?>> change, string nothing)
    {
        var newRole = role is null ? null : parse.GetValue(role);
        if (role is not null && OrganizationRules.CheckRole(newRole) is { } badRole)
        {
            return await RefuseAsync(badRole);
        }

        await using var services = await CliServices.CreateAsync(parse, ct);
        var organizations = services.GetRequiredService<IOrganizationService>();
        if (await FindOrganizationAsync(organizations, parse.GetValue(org)!, ct) is not { } o || await FindUserAsync(services, parse.GetValue(user)!, ct) is not { } u)
        {
            return 1;
        }

        try
        {
            if (await change(organizations, o, u, newRole) is { } done)
            {
                await Console.Error.WriteLineAsync(done);
                return 0;
            }

            await Console.Error.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, nothing, u.Name, o.Name));
            return 1;
        }
        catch (RuleViolationException e)
        {
            return await RefuseAsync(e.Violation);
        }
    }

    /// <summary>The organisation a name or ID names; null (after saying so on stderr) otherwise.</summary>
    public static async Task<Organization?> FindOrganizationAsync(IOrganizationService organizations, string idOrName, CancellationToken ct)
    {
        var found = await organizations.FindAsync(idOrName, ct);
        if (found is null)
        {
            await Console.Error.WriteLineAsync($"No organisation '{idOrName}'. Create it with: openmaas org add NAME");
        }

        return found;
    }

    private static async Task<UserAccount?> FindUserAsync(IServiceProvider services, string name, CancellationToken ct)
    {
        var user = await services.GetRequiredService<IAccountService>().FindAsync(name, ct);
        if (user is null)
        {
            await Console.Error.WriteLineAsync($"No user '{name}'. Create it with: openmaas user add NAME");
        }

        return user;
    }

    private static async Task<int> RefuseAsync(RuleViolation refused)
    {
        await Console.Error.WriteLineAsync(refused.Message);
        return 2;
    }
}

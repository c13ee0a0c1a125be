using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas user add|list|disable</c>: effective on a running server at once (same database).</summary>
internal static class UserCommands
{
    public static Command Create() => new("user", "Manage accounts")
    {
        Add(),
        List(),
        Disable(),
        UserLinkCommand.Create(),
    };

    private static Command Add()
    {
        var name = new Argument<string>("NAME") { Description = "Account name (letters, digits, '-', '_', '.')" };
        var admin = new Option<bool>("--admin") { Description = "Make the account an admin" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of stdin (otherwise a random one is printed once)" };
        var command = new Command("add", "Create an account") { name, admin, passwordStdin };
        command.SetAction(async (parse, ct) =>
        {
            var userName = parse.GetValue(name)!;
            if (AccountRules.CheckName(userName) is { } badName)
            {
                await Console.Error.WriteLineAsync(badName.Message);
                return 2;
            }

            var fromStdin = parse.GetValue(passwordStdin);
            var password = fromStdin ? (await Console.In.ReadLineAsync(ct))?.TrimEnd('\r') : RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 20);
            if (AccountRules.CheckPassword(password) is { } badPassword)
            {
                await Console.Error.WriteLineAsync(badPassword.Message);
                return 2;
            }

            await using var services = await CliServices.CreateAsync(parse, ct);
            var user = await services.GetRequiredService<IAccountService>().CreateAsync(userName, password!, parse.GetValue(admin), ct);
            if (user is null)
            {
                await Console.Error.WriteLineAsync($"User '{userName}' already exists.");
                return 1;
            }

            await Console.Error.WriteLineAsync($"Created {user.Role} '{user.Name}'.");
            if (!fromStdin)
            {
                await Console.Error.WriteLineAsync("Its password (shown only this once):");
                Console.WriteLine(password);
            }

            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the accounts");
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            var users = await services.GetRequiredService<IAccountService>().ListAsync(ct);
            Console.WriteLine($"{"NAME",-24} {"ROLE",-6} {"ENABLED",-8} CREATED");
            foreach (var u in users)
            {
                Console.WriteLine($"{u.Name,-24} {u.Role,-6} {(u.Enabled ? "yes" : "no"),-8} {u.CreatedAt:yyyy-MM-dd HH:mm zzz}");
            }

            return 0;
        });
        return command;
    }

    private static Command Disable()
    {
        var name = new Argument<string>("NAME") { Description = "Account name" };
        var command = new Command("disable", "Disable an account: its tokens stop working at once") { name };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            if (!await services.GetRequiredService<IAccountService>().SetEnabledAsync(parse.GetValue(name)!, enabled: false, ct))
            {
                await Console.Error.WriteLineAsync($"No user '{parse.GetValue(name)}'.");
                return 1;
            }

            await Console.Error.WriteLineAsync($"Disabled '{parse.GetValue(name)}'.");
            return 0;
        });
        return command;
    }
}

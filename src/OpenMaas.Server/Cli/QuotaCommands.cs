using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas quota set</c> and <c>openmaas usage</c>.</summary>
internal static class QuotaCommands
{
    public static Command Create() => new("quota", "Daily API-Inference limits")
    {
        Set(),
    };

    public static Command Usage()
    {
        var user = new Option<string?>("--user") { Description = "Only this account" };
        var days = new Option<int>("--days") { Description = "How many days back, today included", DefaultValueFactory = _ => 7 };
        var command = new Command("usage", "Calls counted per user and day (from the usage log)") { user, days };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            var accounts = services.GetRequiredService<IAccountService>();
            var (userId, error) = await FindUserAsync(accounts, parse.GetValue(user), ct);
            if (error)
            {
                return 1;
            }

            var calendar = services.GetRequiredService<QuotaCalendar>();
            var today = calendar.Today();
            var names = (await accounts.ListAsync(ct)).ToDictionary(u => u.Id, u => u.Name);
            var rows = await services.GetRequiredService<IUsageQueries>().PerDayAsync(userId, today.Date.AddDays(1 - Math.Max(1, parse.GetValue(days))), ct);
            await Console.Error.WriteLineAsync($"Quota days in {calendar.Zone.Id}; today is {today.Date:yyyy-MM-dd}, resets at {today.ResetText}.");
            Console.WriteLine($"{"DAY",-10} {"USER",-20} {"CALLS",8} {"PROMPT TOKENS",14} {"COMPLETION TOKENS",18}");
            foreach (var r in rows)
            {
                Console.WriteLine($"{r.Day:yyyy-MM-dd} {names.GetValueOrDefault(r.UserId, r.UserId.ToString()),-20} {r.Calls,8} {r.PromptTokens,14} {r.CompletionTokens,18}");
            }

            return 0;
        });
        return command;
    }

    private static Command Set()
    {
        var daily = new Option<int>("--daily") { Description = "Calls per day", Required = true };
        var user = new Option<string?>("--user") { Description = "For this account only (default: everyone)" };
        var model = new Option<string?>("--model") { Description = "Cap for this model, OWNER/NAME (per user)" };
        var command = new Command("set", "Set a daily limit: the default, a user's total, or a per-user cap for a model") { daily, user, model };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(daily) < 0 || (parse.GetValue(model) is { } m && !ModelId.IsValid(m)))
            {
                await Console.Error.WriteLineAsync("--daily must be 0 or more and --model must be OWNER/NAME.");
                return 2;
            }

            await using var services = await CliServices.CreateAsync(parse, ct);
            var (userId, error) = await FindUserAsync(services.GetRequiredService<IAccountService>(), parse.GetValue(user), ct);
            if (error)
            {
                return 1;
            }

            await services.GetRequiredService<IQuotaLimits>().SetAsync(userId, parse.GetValue(model), parse.GetValue(daily), ct);
            var who = parse.GetValue(user) is { } name ? $"user '{name}'" : "every user";
            var what = parse.GetValue(model) is { } id ? $"calls of {id} per day" : "calls per day";
            await Console.Error.WriteLineAsync($"Set {parse.GetValue(daily)} {what} for {who}; a running server applies it to the next call.");
            return 0;
        });
        return command;
    }

    private static async Task<(long? UserId, bool Error)> FindUserAsync(IAccountService accounts, string? name, CancellationToken ct)
    {
        if (name is null)
        {
            return (null, false);
        }

        if (await accounts.FindAsync(name, ct) is { } user)
        {
            return (user.Id, false);
        }

        await Console.Error.WriteLineAsync($"No user '{name}'.");
        return (null, true);
    }
}

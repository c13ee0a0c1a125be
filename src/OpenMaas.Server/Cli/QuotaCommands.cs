using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;

namespace OpenMaas.Server.Cli;

/// <summary><c>openmaas quota set</c>, <c>openmaas quota list</c> and <c>openmaas usage</c>.</summary>
internal static class QuotaCommands
{
    public static Command Create() => new("quota", "API-Inference limits: daily units, requests and tokens per minute")
    {
        Set(),
        List(),
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
        var daily = new Option<string?>("--daily") { Description = "Units per day (a call spends its model's weight); none: remove" };
        var rpm = new Option<string?>("--rpm") { Description = "Requests per UTC minute; none: remove" };
        var tpm = new Option<string?>("--tpm") { Description = "Tokens (prompt + completion) per UTC minute; none: remove" };
        var user = new Option<string?>("--user") { Description = "For this account (with --org: the member's cap inside the organisation)" };
        var model = new Option<string?>("--model") { Description = "For this model, OWNER/NAME: the daily cap per user, and the model's global per-minute limits" };
        var token = new Option<string?>("--token") { Description = "For this access token (id or prefix)" };
        var org = new Option<string?>("--org") { Description = "For this organisation (id or name): its shared pool" };
        var command = new Command("set", "Set limits: the default, a user's, a model's, a user's cap for a model, a token's, an organisation's or a member's")
        {
            daily, rpm, tpm, user, model, token, org,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!ReadValue(parse.GetValue(daily), out var d) || !ReadValue(parse.GetValue(rpm), out var r)
                || !ReadValue(parse.GetValue(tpm), out var t) || (parse.GetValue(model) is { } m && !ModelId.IsValid(m)))
            {
                await Console.Error.WriteLineAsync("--daily, --rpm and --tpm take 0 or more (or none to remove); --model must be OWNER/NAME.");
                return 2;
            }

            var values = new LimitValues(d, r, t);
            if (!values.Any)
            {
                await Console.Error.WriteLineAsync("Nothing to set: give --daily, --rpm or --tpm.");
                return 2;
            }

            await using var services = await CliServices.CreateAsync(parse, ct);
            var (scope, error, notFound) = await services.GetRequiredService<LimitScopeResolver>().ResolveAsync(
                parse.GetValue(user), parse.GetValue(model), parse.GetValue(token), parse.GetValue(org), ct);
            if (error is not null)
            {
                await Console.Error.WriteLineAsync(error);
                return notFound ? 1 : 2;
            }

            await services.GetRequiredService<IQuotaLimits>().SetAsync(scope, values, ct);
            await Console.Error.WriteLineAsync($"Set {Describe(values)} for {Describe(scope, parse)}; a running server applies it to the next call.");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Every limit set by an admin (daily units, requests and tokens per minute)");
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.CreateAsync(parse, ct);
            var names = (await services.GetRequiredService<IAccountService>().ListAsync(ct)).ToDictionary(u => u.Id, u => u.Name);
            var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<QuotaOptions>>().Value;
            Console.WriteLine($"{"SCOPE",-12} {"USER",-16} {"MODEL",-32} {"TOKEN",6} {"ORG",6} {"DAILY",10} {"RPM",8} {"TPM",10}");
            var rows = await services.GetRequiredService<IQuotaLimits>().ListAsync(ct);
            if (!rows.Any(l => l.Scope.Kind == LimitScopeKind.Default && l.DailyCalls is not null))
            {
                Console.WriteLine($"{"default",-12} {"*",-16} {"-",-32} {"-",6} {"-",6} {options.DailyCalls,10} {"-",8} {"-",10}   (Quota:DailyCalls)");
            }

            foreach (var l in rows)
            {
                var kind = l.Scope.Kind?.ToString().ToLowerInvariant() ?? "?";
                var who = l.UserId is { } u ? names.GetValueOrDefault(u, u.ToString(System.Globalization.CultureInfo.InvariantCulture)) : "*";
                Console.WriteLine($"{kind,-12} {who,-16} {l.ModelId ?? "-",-32} {Cell(l.TokenId),6} {Cell(l.OrganizationId),6} {Cell(l.DailyCalls),10} {Cell(l.RequestsPerMinute),8} {Cell(l.TokensPerMinute),10}");
            }

            return 0;
        });
        return command;
    }

    private static string Cell<T>(T? value) where T : struct => value?.ToString() ?? "-";

    /// <summary>A typed limit: a number of 0 or more, <c>none</c> (remove it), or absent; null when invalid.</summary>
    private static bool ReadValue(string? text, out int? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (text == "none")
        {
            value = LimitValues.Clear;
            return true;
        }

        var ok = int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n);
        value = n;
        return ok;
    }

    private static string Describe(LimitValues v) => string.Join(", ", new[]
    {
        v.Daily is { } d ? (d == LimitValues.Clear ? "no daily limit" : $"{d} units per day") : null,
        v.Rpm is { } r ? (r == LimitValues.Clear ? "no RPM" : $"{r} requests per minute") : null,
        v.Tpm is { } t ? (t == LimitValues.Clear ? "no TPM" : $"{t} tokens per minute") : null,
    }.OfType<string>());

    private static string Describe(LimitScope scope, System.CommandLine.ParseResult parse) => scope.Kind switch
    {
        LimitScopeKind.Default => "every user",
        LimitScopeKind.User => $"user '{parse.GetValue<string?>("--user")}'",
        LimitScopeKind.Model => $"{scope.ModelId} (each user's daily cap; per-minute limits for every caller together)",
        LimitScopeKind.UserModel => $"user '{parse.GetValue<string?>("--user")}' on {scope.ModelId}",
        LimitScopeKind.Token => $"token {scope.TokenId}",
        LimitScopeKind.Organization => $"organisation {scope.OrganizationId}",
        _ => $"user '{parse.GetValue<string?>("--user")}' in organisation {scope.OrganizationId}",
    };

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

using OpenMaas.Core.Diagnostics;

namespace OpenMaas.Server.Operations;

/// <summary><c>/healthz</c> (the process is alive) and <c>/readyz</c> (it should get traffic) for load balancers.</summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" }));
        routes.MapGet("/readyz", ReadyAsync);
        return routes;
    }

    private static async Task<IResult> ReadyAsync(ReadinessState state, IEnumerable<IReadinessCheck> checks, CancellationToken ct)
    {
        var problems = new Dictionary<string, string>();
        if (!state.Started)
        {
            problems["node"] = "starting";
        }
        else if (state.Draining)
        {
            problems["node"] = "draining";
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CheckTimeout);
        var results = await Task.WhenAll(checks.Select(async c => (c.Name, Problem: await CheckAsync(c, timeout.Token))));
        foreach (var (name, problem) in results.Where(r => r.Problem is not null))
        {
            problems[name] = problem!;
        }

        var body = new { status = problems.Count == 0 ? "ready" : "unavailable", checks = results.ToDictionary(r => r.Name, r => r.Problem ?? "ok"), problems };
        return problems.Count == 0 ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<string?> CheckAsync(IReadinessCheck check, CancellationToken ct)
    {
        try
        {
            return await check.CheckAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return "timed out";
        }
    }
}

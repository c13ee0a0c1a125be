using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OpenMaas.Core.Diagnostics;

/// <summary>
/// The instruments of OpenMaaS's own work (meter <c>OpenMaas</c>), exported by the server as Prometheus text under
/// <c>/metrics</c>. Request counts and latencies come from ASP.NET Core's own <c>http.server.request.duration</c>.
/// </summary>
public static class OpenMaasMeter
{
    public const string Name = "OpenMaas";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Admissions = Meter.CreateCounter<long>("openmaas.quota.admissions", "{call}",
        "Quota decisions by result: admitted, daily_limit, model_limit, unavailable");

    private static readonly Counter<long> Tokens = Meter.CreateCounter<long>("openmaas.tokens", "{token}", "Prompt and completion tokens of admitted calls");

    private static readonly Counter<long> Calls = Meter.CreateCounter<long>("openmaas.calls", "{call}", "Admitted calls by model and status (from the usage log)");

    private static readonly Histogram<double> Redis = Meter.CreateHistogram<double>("openmaas.redis.duration", "ms", "Redis round trips");

    private static readonly Histogram<double> Database = Meter.CreateHistogram<double>("openmaas.db.duration", "ms", "Database round trips on the hot path");

    public static void Admission(string result) => Admissions.Add(1, new KeyValuePair<string, object?>("result", result));

    public static void Call(string model, int status, int promptTokens, int completionTokens)
    {
        var modelTag = new KeyValuePair<string, object?>("model", model);
        Calls.Add(1, modelTag, new KeyValuePair<string, object?>("status", status));
        Tokens.Add(promptTokens, modelTag, new KeyValuePair<string, object?>("type", "prompt"));
        Tokens.Add(completionTokens, modelTag, new KeyValuePair<string, object?>("type", "completion"));
    }

    public static void RedisRoundTrip(long startTimestamp, string operation) =>
        Redis.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation));

    public static void DatabaseRoundTrip(long startTimestamp, string operation) =>
        Database.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation));

    /// <summary>Registers a gauge read at each scrape (e.g. queue depth per loaded model).</summary>
    public static void Gauge(string name, string unit, string description, Func<IEnumerable<Measurement<long>>> observe) =>
        Meter.CreateObservableGauge(name, observe, unit, description);
}

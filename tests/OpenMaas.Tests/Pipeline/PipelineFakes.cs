using OpenMaas.Core.Accounts;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Tests.Pipeline;

/// <summary>The pipeline's steps wired in-process with the real in-memory counter and fakes only at the edges
/// (catalog, limits, usage log), so each step can be tested alone.</summary>
internal sealed class PipelineHarness
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 28, 4, 0, 0, TimeSpan.Zero));

    public InMemoryQuotaCounter Counter { get; } = new();

    public FakeLimits Limits { get; } = new();

    public FakeUsageLog Usage { get; } = new();

    public FakeCatalog Catalog { get; } = new();

    public QuotaOptions Quota { get; } = new();

    public AuthOptions Auth { get; } = new();

    public PipelineHarness() => Counter.MarkReady();

    public QuotaAdmission Admission(IQuotaCounter? counter = null) => new(
        Limits, counter ?? Counter, Usage, new QuotaCalendar(Clock, Options.Create(Quota)), Options.Create(Quota), Options.Create(Auth),
        NullLogger<QuotaAdmission>.Instance);

    public CallPipeline Pipeline(params ICallAuthorizer[] authorizers) =>
        // The harness's models are public, so model access never asks for memberships (no organisation service).
        new(new ModelResolution(Catalog, new EveryReadChanged(), new ModelAccess(null!, Options.Create(Auth))), [new ApiInferenceAuthorizer(), .. authorizers], Clock, Admission(), new OpenMaas.Server.Operations.ReadinessState());

    public static ModelRecord Model(string id = "a/b", bool apiInference = true) =>
        new() { Id = id, FilePath = "/nowhere", ApiInference = apiInference, Servable = true };

    public InferenceCall Call(long? userId = 7, string model = "a/b") => new()
    {
        Caller = userId is { } id ? CallerExtensions.Principal(id, "u", "user", "test", tokenId: 3) : new ClaimsPrincipal(new ClaimsIdentity()),
        Model = Model(model),
        Endpoint = new CallEndpoint("openai", "chat.completions"),
        StartedAt = Clock.GetUtcNow(),
    };

    public static DefaultHttpContext Http(long? userId = 7, IServiceProvider? services = null)
    {
        var http = new DefaultHttpContext { RequestServices = services ?? new ServiceCollection().BuildServiceProvider() };
        http.Response.Body = new MemoryStream();
        http.TraceIdentifier = "req-test";
        if (userId is { } id)
        {
            http.User = CallerExtensions.Principal(id, "u", "user", "test", tokenId: 3);
        }

        return http;
    }
}

internal sealed class FakeLimits : IQuotaLimits
{
    public EffectiveLimits Effective { get; set; } = new(2, null);

    public Task<EffectiveLimits> ResolveAsync(long userId, string modelId, long? tokenId, long? organizationId, CancellationToken ct = default) =>
        Task.FromResult(Effective);

    public Task<(int Daily, IReadOnlyDictionary<string, int> ModelCaps)> ResolveAllAsync(long userId, CancellationToken ct = default) =>
        throw new NotSupportedException();

    public Task SetAsync(LimitScope scope, LimitValues values, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<QuotaLimit>> ListAsync(CancellationToken ct = default) => throw new NotSupportedException();
}

internal sealed class FakeUsageLog : IUsageLog
{
    public List<UsageRecord> Records { get; } = [];

    public Task AppendAsync(UsageRecord record, CancellationToken ct = default)
    {
        lock (Records)
        {
            Records.Add(record);
        }

        return Task.CompletedTask;
    }
}

internal sealed class FakeCatalog : IModelCatalog
{
    public Dictionary<string, ModelRecord> Models { get; } = new(StringComparer.Ordinal);

    public Task<ModelRecord?> FindAsync(string id, CancellationToken ct = default) => Task.FromResult(Models.GetValueOrDefault(id));

    public Task<IReadOnlyList<ModelRecord>> ListAsync(CancellationToken ct = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<ModelRecord>> ListServedAsync(CancellationToken ct = default) => throw new NotSupportedException();

    public Task<ModelPage> QueryAsync(ModelQuery query, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<bool> AddAsync(ModelRecord model, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<ModelRecord?> UpdateAsync(string id, Action<ModelRecord> change, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<ModelRecord?> RemoveAsync(string id, CancellationToken ct = default) => throw new NotSupportedException();
}

/// <summary>A counter whose storage is down.</summary>
internal sealed class FailingCounter : IQuotaCounter
{
    public ValueTask<Admission> TryAdmitAsync(QuotaKey key, EffectiveLimits limits, CallCost cost, CancellationToken ct = default) =>
        throw new InvalidOperationException("counter store unreachable");

    public ValueTask RefundAsync(QuotaKey key, CallCost cost, EffectiveLimits limits, CancellationToken ct = default) => ValueTask.CompletedTask;

    public ValueTask SettleTokensAsync(QuotaKey key, CallCost cost, EffectiveLimits limits, int actualTokens, CancellationToken ct = default) =>
        ValueTask.CompletedTask;

    public ValueTask<(int Organization, int Member)> GetOrganizationUsedAsync(long organizationId, long userId, DateOnly day, CancellationToken ct = default) =>
        throw new NotSupportedException();

    public ValueTask<(int Total, IReadOnlyDictionary<string, int> PerModel)> GetUsedAsync(long userId, DateOnly day, CancellationToken ct = default) =>
        throw new NotSupportedException();
}

/// <summary>A request kind and adapter that record which steps ran.</summary>
internal sealed record FakeRequest(string Model) : IInferenceRequest
{
    public CallEndpoint Endpoint { get; } = new("test", "fake");
}

internal sealed class FakeAdapter(string model) : IWireAdapter<FakeRequest, string>
{
    public int Responded { get; private set; }

    /// <summary>The call the adapter was handed (null until it responded).</summary>
    public InferenceCall? Call { get; private set; }

    public ValueTask<FakeRequest> ReadAsync(HttpContext http) => ValueTask.FromResult(new FakeRequest(model));

    public Task<IResult> RespondAsync(HttpContext http, FakeRequest request, AdmittedCall<string> call)
    {
        Responded++;
        Call = call.Call;
        call.Call.MarkFirstOutput(DateTimeOffset.UnixEpoch);
        return Task.FromResult<IResult>(Results.Ok(call.Prepared));
    }
}

internal sealed class FakePreparer(Func<FakeRequest, string>? prepare = null) : ICallPreparer<FakeRequest, string>
{
    public int Prepared { get; private set; }

    public ValueTask<string> PrepareAsync(FakeRequest request, InferenceCall call, CancellationToken ct)
    {
        Prepared++;
        return ValueTask.FromResult(prepare?.Invoke(request) ?? "prepared");
    }
}

internal sealed class RefusingAuthorizer(int order) : ICallAuthorizer
{
    public int Order => order;

    public ValueTask AuthorizeAsync(InferenceCall call, CancellationToken ct) =>
        throw new CallException(403, CallErrorKind.Permission, "no", "model", "model_not_allowed");
}

/// <summary>A change notice that moves on every read: the fakes' catalog changes without notices, so nothing is cached.</summary>
internal sealed class EveryReadChanged : OpenMaas.Core.Storage.IChangeNotice
{
    private long _value;

    public long Read() => Interlocked.Increment(ref _value);

    public void Bump()
    {
    }
}

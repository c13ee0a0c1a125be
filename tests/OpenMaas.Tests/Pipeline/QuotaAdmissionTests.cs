using Microsoft.AspNetCore.Http;
using OpenMaas.Core.Quota;
using OpenMaas.Server.Pipeline;

namespace OpenMaas.Tests.Pipeline;

/// <summary>The admission step alone: it is the only way to an <see cref="AdmittedCall{TPrepared}"/>, and it fails closed.</summary>
public sealed class QuotaAdmissionTests
{
    private readonly PipelineHarness _h = new();

    [Fact]
    public async Task Run_RespondsAfterAdmission_CountsTheCall_AndRecordsItsProtocol()
    {
        var http = PipelineHarness.Http();
        var responded = 0;
        await _h.Admission().RunAsync(http, _h.Call(), "p", admitted =>
        {
            responded++;
            Assert.True(admitted.Metered);
            Assert.Equal("p", admitted.Prepared);
            admitted.Call.MarkFirstOutput(_h.Clock.GetUtcNow());
            return Task.FromResult<IResult>(TypedResults.Ok());
        });

        Assert.Equal(1, responded);
        Assert.Equal("2", http.Response.Headers[QuotaResponses.LimitHeader]);
        Assert.Equal("1", http.Response.Headers[QuotaResponses.RemainingHeader]);
        var record = Assert.Single(_h.Usage.Records);
        Assert.True(record.Counted);
        Assert.Equal(200, record.Status);
        Assert.Equal("openai", record.Protocol);
        Assert.Equal("chat.completions", record.Endpoint);
        Assert.Equal(3, record.TokenId);
    }

    [Fact]
    public async Task Run_OverTheLimit_NeverResponds_AndAnswers429WithRetryAfter()
    {
        _h.Limits.Effective = new EffectiveLimits(0, null);
        var responded = false;
        var e = await Assert.ThrowsAsync<CallException>(() => _h.Admission().RunAsync(PipelineHarness.Http(), _h.Call(), "p", _ =>
        {
            responded = true;
            return Task.FromResult<IResult>(TypedResults.Ok());
        }));

        Assert.False(responded);
        Assert.Equal(429, e.Status);
        Assert.Equal("daily_quota_exceeded", e.Code);
        Assert.True(e.RetryAfterSeconds > 0);
        Assert.Empty(_h.Usage.Records);
    }

    [Fact]
    public async Task Run_WhenTheCounterFails_NeverResponds()
    {
        var responded = false;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _h.Admission(new FailingCounter()).RunAsync(PipelineHarness.Http(), _h.Call(), "p", _ =>
        {
            responded = true;
            return Task.FromResult<IResult>(TypedResults.Ok());
        }));

        Assert.False(responded);
    }

    [Fact]
    public async Task Run_WithoutAUser_WhileTheQuotaIsOn_NeverResponds()
    {
        var responded = false;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _h.Admission().RunAsync(PipelineHarness.Http(userId: null), _h.Call(userId: null), "p", _ =>
        {
            responded = true;
            return Task.FromResult<IResult>(TypedResults.Ok());
        }));

        Assert.False(responded);
    }

    [Fact]
    public async Task Run_WithTheQuotaOff_RespondsUnmetered_AndRecordsNothing()
    {
        _h.Quota.Enabled = false;
        var metered = true;
        await _h.Admission().RunAsync(PipelineHarness.Http(userId: null), _h.Call(userId: null), "p", admitted =>
        {
            metered = admitted.Metered;
            return Task.FromResult<IResult>(TypedResults.Ok());
        });

        Assert.False(metered);
        Assert.Empty(_h.Usage.Records);
    }

    [Fact]
    public async Task Run_ServerFailureBeforeAnyOutput_IsRefunded_AndRecordedWithItsStatus()
    {
        var call = _h.Call();
        await Assert.ThrowsAsync<CallException>(() => _h.Admission().RunAsync(PipelineHarness.Http(), call, "p", _ =>
            throw new CallException(503, CallErrorKind.Overloaded, "busy", code: "model_busy")));

        var record = Assert.Single(_h.Usage.Records);
        Assert.False(record.Counted);
        Assert.Equal(503, record.Status);
        var (total, _) = await _h.Counter.GetUsedAsync(7, new QuotaCalendar(_h.Clock, Microsoft.Extensions.Options.Options.Create(_h.Quota)).Today().Date);
        Assert.Equal(0, total);
    }

    [Fact]
    public async Task Run_FailureAfterOutput_StaysCounted()
    {
        var call = _h.Call();
        await Assert.ThrowsAsync<InvalidOperationException>(() => _h.Admission().RunAsync(PipelineHarness.Http(), call, "p", admitted =>
        {
            admitted.Call.MarkFirstOutput(_h.Clock.GetUtcNow());
            throw new InvalidOperationException("engine died mid-stream");
        }));

        Assert.True(Assert.Single(_h.Usage.Records).Counted);
    }

    [Fact]
    public async Task Run_DatabaseOutOfConnectionsBeforeAnyOutput_IsRefunded_AndRecordedAs503()
    {
        var exhausted = new Npgsql.NpgsqlException("The connection pool has been exhausted", new TimeoutException());
        await Assert.ThrowsAsync<Npgsql.NpgsqlException>(() => _h.Admission().RunAsync(PipelineHarness.Http(), _h.Call(), "p", _ => throw exhausted));

        var record = Assert.Single(_h.Usage.Records);
        Assert.False(record.Counted);
        Assert.Equal(503, record.Status);
        var (total, _) = await _h.Counter.GetUsedAsync(7, new QuotaCalendar(_h.Clock, Microsoft.Extensions.Options.Options.Create(_h.Quota)).Today().Date);
        Assert.Equal(0, total);
    }
}

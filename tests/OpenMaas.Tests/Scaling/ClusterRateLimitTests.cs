using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Quota;
using OpenMaas.Server.Pipeline;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Scaling;

/// <summary>Per-minute limits hold exactly across two nodes sharing Redis: real <c>openmaas serve</c> processes on the
/// real clock (the minute is a fixed UTC window, so the test starts its burst early in a minute).</summary>
[Trait("Category", "Slow")]
public sealed class ClusterRateLimitTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task TwoHundredConcurrentCalls_SplitAcrossTwoNodes_AgainstAnRpmOfTwenty_AdmitExactlyTwenty_AndTheMinuteRolls()
    {
        var (_, token) = await cluster.UserAsync("rpm-split", 1000);
        var user = (await cluster.Admin.GetRequiredService<IAccountService>().FindAsync("rpm-split"))!;
        await cluster.Admin.GetRequiredService<IQuotaLimits>().SetAsync(new LimitScope(user.Id), new LimitValues(Rpm: 20));
        using var a = cluster.A.Client(token);
        using var b = cluster.B.Client(token);

        // The burst must fall inside one UTC minute: start it within the first 15 s of one (a wait for the clock, not a
        // guess at how long something takes).
        var now = DateTimeOffset.UtcNow;
        if (now.Second > 15)
        {
            await Task.Delay(TimeSpan.FromSeconds(60 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond) + TimeSpan.FromMilliseconds(200));
        }

        var started = DateTimeOffset.UtcNow;
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? a : b).ChatAsync();
            return new
            {
                response.StatusCode,
                Code = response.StatusCode == HttpStatusCode.OK ? null : (await response.ErrorAsync()).Code,
                RetryAfter = response.Header("Retry-After"),
                Limit = response.Header(QuotaResponses.RequestsLimitHeader),
                Remaining = response.Header(QuotaResponses.RequestsRemainingHeader),
                Reset = response.Header(QuotaResponses.RequestsResetHeader),
                Daily = response.Header(QuotaResponses.LimitHeader),
            };
        }));
        var finished = DateTimeOffset.UtcNow;
        Assert.True(CallCost.MinuteOf(started) == CallCost.MinuteOf(finished), $"the burst ran from {started:HH:mm:ss.fff} to {finished:HH:mm:ss.fff}: not inside one minute");
        var seen = string.Join(", ", responses.GroupBy(r => r.StatusCode).Select(g => $"{g.Key}: {g.Count()}"));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) == 20, $"{seen}\nA: {cluster.A.Log}\nB: {cluster.B.Log}");
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal(180, refused.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(refused, r =>
        {
            Assert.Equal("rate_limit_exceeded", r.Code);
            Assert.InRange(int.Parse(r.RetryAfter), 1, 60);
            Assert.Equal(("20", "0", "1000"), (r.Limit, r.Remaining, r.Daily));
            Assert.Equal(r.RetryAfter + "s", r.Reset);
        });
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.OK), r => Assert.Equal("20", r.Limit));
        Assert.Equal(20, await cluster.CountedAsync("rpm-split"));

        // The minute rolls: after the Retry-After the refusals named, a call is admitted again, on either node.
        await Task.Delay(TimeSpan.FromSeconds(int.Parse(refused[0].RetryAfter)) + TimeSpan.FromMilliseconds(200));
        using var next = await b.ChatAsync();
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("19", next.Header(QuotaResponses.RequestsRemainingHeader));
    }
}

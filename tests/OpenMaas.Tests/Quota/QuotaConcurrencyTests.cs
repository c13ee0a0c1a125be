using System.Net;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Quota;

/// <summary>The real server, the real model, 1,000 concurrent real HTTP calls: exactly the limit is admitted.</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class QuotaConcurrencyTests(QuotaConcurrencyTests.Fixture server) : IClassFixture<QuotaConcurrencyTests.Fixture>
{
    private const int Calls = 1000;
    private const string SecondModel = "karpathy/stories260K-b";

    public sealed class Fixture : ServerFixture
    {
        protected override IEnumerable<string> Settings => ["Inference:ParallelSequences=16", "Inference:QueueLimit=2000"];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await RegisterModelAsync(TestAssets.StoriesGguf, SecondModel, link: true);
        }
    }

    [Fact]
    public async Task ThousandConcurrentCalls_AdmitExactlyTheDailyLimit_FiveTimesOver()
    {
        for (var round = 0; round < 5; round++)
        {
            var (user, token) = await server.CreateUserAsync($"load{round}");
            await server.SetLimitAsync(user.Id, null, 100);
            var statuses = await FireAsync(token, TestAssets.StoriesId);
            Assert.Equal(100, statuses.Count(s => s.Status == HttpStatusCode.OK));
            Assert.Equal(900, statuses.Count(s => s.Status == HttpStatusCode.TooManyRequests));
            Assert.All(statuses.Where(s => s.Status == HttpStatusCode.TooManyRequests), s => Assert.Equal("daily_quota_exceeded", s.Code));
            await AssertCountedAsync(user.Id, 100);
        }
    }

    [Fact]
    public async Task ThousandConcurrentCalls_AdmitExactlyTheModelCap_AndRejectionsConsumeNothing()
    {
        for (var round = 0; round < 5; round++)
        {
            var (user, token) = await server.CreateUserAsync($"capped{round}");
            await server.SetLimitAsync(user.Id, null, 100);
            await server.SetLimitAsync(user.Id, TestAssets.StoriesId, 40);
            var statuses = await FireAsync(token, TestAssets.StoriesId);
            Assert.Equal(40, statuses.Count(s => s.Status == HttpStatusCode.OK));
            Assert.All(statuses.Where(s => s.Status != HttpStatusCode.OK), s => Assert.Equal("model_daily_quota_exceeded", s.Code));

            // The 960 rejections took nothing from the daily total: 60 calls are left for another model.
            var rest = await FireAsync(token, SecondModel);
            Assert.Equal(60, rest.Count(s => s.Status == HttpStatusCode.OK));
            Assert.All(rest.Where(s => s.Status != HttpStatusCode.OK), s => Assert.Equal("daily_quota_exceeded", s.Code));
            await AssertCountedAsync(user.Id, 100);
        }
    }

    private async Task<(HttpStatusCode Status, string? Code)[]> FireAsync(string token, string model)
    {
        using var http = server.CreateClient(token);
        var calls = Enumerable.Range(0, Calls).Select(async _ =>
        {
            await Task.Yield();
            using var response = await http.ChatAsync(model);
            return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? null : (await response.ErrorAsync()).Code);
        });
        return await Task.WhenAll(calls);
    }

    private async Task AssertCountedAsync(long userId, int expected)
    {
        var day = server.Services.GetRequiredService<QuotaCalendar>().Today().Date;
        var records = await server.Services.GetRequiredService<IUsageQueries>().RecordsAsync(userId, day);
        Assert.Equal(expected, records.Count(r => r.Counted && r.Status == 200));
        Assert.Equal(expected, (await server.Services.GetRequiredService<IQuotaCounter>().GetUsedAsync(userId, day)).Total);
    }
}

using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Usage;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Quota;

/// <summary>A client that leaves mid-stream has used its call; a stream carries the quota headers.</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class QuotaStreamTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task ClientLeavingMidStream_HasUsedItsCall()
    {
        var (user, token) = await server.CreateUserAsync("leaver");
        await server.SetLimitAsync(user.Id, null, 1);
        using var http = server.CreateClient(token);
        using (var request = new HttpRequestMessage(HttpMethod.Post, QuotaTestExtensions.Chat))
        {
            request.Content = new StringContent($$"""{"model":"{{TestAssets.StoriesId}}","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":500,"ignore_eos":true,"stream":true}""", Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("0", response.Header("modelscope-ratelimit-requests-remaining"));
            await using var body = await response.Content.ReadAsStreamAsync();
            var first = new byte[64];
            Assert.True(await body.ReadAsync(first) > 0);
        } // leaves: the connection is dropped mid-stream

        var day = server.Services.GetRequiredService<QuotaCalendar>().Today().Date;
        var usage = server.Services.GetRequiredService<IUsageQueries>();
        IReadOnlyList<UsageRecord> records = [];
        for (var i = 0; i < 100 && records.Count == 0; i++)
        {
            await Task.Delay(100);
            records = await usage.RecordsAsync(user.Id, day);
        }

        var record = Assert.Single(records);
        Assert.True(record.Counted);
        Assert.NotNull(record.TtftMs);
        using var next = await http.ChatAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
    }
}

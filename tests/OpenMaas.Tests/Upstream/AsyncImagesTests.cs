using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core.Organizations;
using OpenMaas.Core.Quota;
using OpenMaas.Core.Tokens;
using OpenMaas.Tests.Infrastructure;
using OpenMaas.Tests.Quota;

namespace OpenMaas.Tests.Upstream;

/// <summary>ModelScope's async task mode for images, end to end against a scripted engine that answers real PNG
/// bytes: the client is written the way ModelScope's own sample is (submit with X-ModelScope-Async-Mode, then poll
/// GET /v1/tasks/{id} with X-ModelScope-Task-Type until SUCCEED or FAILED).</summary>
[Trait("Category", "Slow")]
public sealed class AsyncImagesTests(MediaGatewayFixture media) : IClassFixture<MediaGatewayFixture>
{
    private const string Model = MediaGatewayFixture.Painter;

    [Fact]
    public async Task Submit_ThenPoll_PendingOrRunning_ThenSucceed_WithALinkOnlyItsOwnerOpens()
    {
        var (_, ownerToken) = await media.Gateway.CreateUserAsync("async-" + Guid.NewGuid().ToString("N")[..8]);
        var (_, otherToken) = await media.Gateway.CreateUserAsync("peer-" + Guid.NewGuid().ToString("N")[..8]);
        using var owner = media.Gateway.CreateClient(ownerToken);
        using var other = media.Gateway.CreateClient(otherToken);
        media.Engine.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var submitted = await SubmitAsync(owner, """{"model":"test/painter","prompt":"A golden cat","seed":7}""");
            var taskId = submitted.GetProperty("task_id").GetString()!;
            Assert.Matches("^[0-9a-f]{32}$", taskId);
            Assert.False(string.IsNullOrEmpty(submitted.GetProperty("request_id").GetString()));

            // The engine holds the picture: the task is pending or running, and nobody else can see it.
            var waiting = await PollAsync(owner, taskId);
            Assert.Contains(waiting.GetProperty("task_status").GetString(), new[] { "PENDING", "RUNNING" });
            Assert.Equal(taskId, waiting.GetProperty("task_id").GetString());
            using (var peer = await GetTaskAsync(other, taskId))
            {
                Assert.Equal(HttpStatusCode.NotFound, peer.StatusCode);
                Assert.Equal("task_not_found", (await peer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
            }

            media.Engine.Hold.SetResult();
            var done = await PollUntilAsync(owner, taskId, "SUCCEED");

            Assert.Equal(submitted.GetProperty("request_id").GetString(), done.GetProperty("request_id").GetString());
            var url = new Uri(done.GetProperty("output_images")[0].GetString()!);
            using var anonymous = new HttpClient();
            Assert.Equal(ScriptedMediaEngine.Png, await anonymous.GetByteArrayAsync(url));
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(url.GetLeftPart(UriPartial.Path))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(url.GetLeftPart(UriPartial.Path))).StatusCode);
            Assert.Equal("painter", media.Engine.LastJson.GetProperty("model").GetString());
            Assert.Equal(7, media.Engine.LastJson.GetProperty("seed").GetInt32());

            // One call at submission; polls are free.
            Assert.Equal(1, (await owner.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
        }
        finally
        {
            media.Engine.Hold.TrySetResult();
            media.Engine.Hold = null;
        }
    }

    [Fact]
    public async Task AFailingEngine_FailsTheTask_WithErrors_AndRefundsTheCall()
    {
        var name = "afail-" + Guid.NewGuid().ToString("N")[..8];
        var (_, token) = await media.Gateway.CreateUserAsync(name);
        using var http = media.Gateway.CreateClient(token);
        media.Engine.Fail = true;
        try
        {
            var submitted = await SubmitAsync(http, """{"model":"test/painter","prompt":"A golden cat"}""");
            var taskId = submitted.GetProperty("task_id").GetString()!;

            var failed = await PollUntilAsync(http, taskId, "FAILED");

            Assert.Equal("upstream_error", failed.GetProperty("errors").GetProperty("code").GetString());
            Assert.DoesNotContain("/srv/secret", failed.GetRawText());
            Assert.False(failed.TryGetProperty("output_images", out _));
            var record = await media.Gateway.RecordAsync(name, submitted.GetProperty("request_id").GetString()!);
            for (var i = 0; record.Counted && i < 100; i++)
            {
                await Task.Delay(50);
                record = await media.Gateway.RecordAsync(name, submitted.GetProperty("request_id").GetString()!);
            }

            Assert.False(record.Counted);
            Assert.Equal(0, (await http.UsageAsync()).GetProperty("todayUsage").GetProperty("used").GetInt32());
        }
        finally
        {
            media.Engine.Fail = false;
        }
    }

    [Fact]
    public async Task AFailedTask_OfAnOrganisationsToken_GivesBackTheOrganisationsAndTheMembersUnits()
    {
        // An organisation of one unit a day, its member capped at one unit: while a task holds the unit a second
        // submission is refused; once the task failed, one is admitted again only if the refund reached both pools.
        var name = "aorg-" + Guid.NewGuid().ToString("N")[..8];
        var (user, personalToken) = await media.Gateway.CreateUserAsync(name);
        var services = media.Gateway.Services;
        var org = (await services.GetRequiredService<IOrganizationService>().CreateAsync(name, null, user.Id))!;
        var limits = services.GetRequiredService<IQuotaLimits>();
        await limits.SetAsync(new LimitScope(OrganizationId: org.Id), new LimitValues(Daily: 1));
        await limits.SetAsync(new LimitScope(UserId: user.Id, OrganizationId: org.Id), new LimitValues(Daily: 1));
        var token = (await services.GetRequiredService<ITokenService>().CreateAsync(user.Id, "org", null, TokenScope.Unrestricted, org.Id)).Text;
        using var http = media.Gateway.CreateClient(token);
        using var personal = media.Gateway.CreateClient(personalToken);
        var day = services.GetRequiredService<QuotaCalendar>().Today().Date;
        var counter = services.GetRequiredService<IQuotaCounter>();

        await AnsweringAsync(personal); // a failure in an earlier test may have ejected the engine's deployment

        var calls = media.Engine.Calls;
        media.Engine.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        media.Engine.Fail = true;
        try
        {
            var submitted = await SubmitAsync(http, """{"model":"test/painter","prompt":"A golden cat"}""");
            await Eventually.WaitAsync(() => media.Engine.Calls > calls, "the engine to hold the task's picture", TimeSpan.FromSeconds(30));
            using (var full = await PostAsync(http, """{"model":"test/painter","prompt":"A golden cat"}"""))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
                Assert.Contains((await full.ErrorAsync()).Code, new[] { "organization_daily_quota_exceeded", "member_daily_quota_exceeded" });
            }

            Assert.Equal((1, 1), await counter.GetOrganizationUsedAsync(org.Id, user.Id, day));
            media.Engine.Hold.SetResult();
            await PollUntilAsync(http, submitted.GetProperty("task_id").GetString()!, "FAILED");
            var record = await media.Gateway.RecordAsync(name, submitted.GetProperty("request_id").GetString()!);
            Assert.Equal(org.Id, record.OrganizationId);
            await Eventually.WaitAsync(
                async () => !(await media.Gateway.RecordAsync(name, record.RequestId)).Counted, "the failed task's usage record to be refunded", TimeSpan.FromSeconds(30));
            Assert.Equal((0, 0), await counter.GetOrganizationUsedAsync(org.Id, user.Id, day));
        }
        finally
        {
            media.Engine.Hold.TrySetResult();
            media.Engine.Hold = null;
            media.Engine.Fail = false;
        }

        // The unit is back in both pools: a submission is admitted again (and, the failure having ejected the engine's
        // deployment for a while, done once it answers again, leaving the engine as the other tests expect it).
        await AnsweringAsync(personal);
        var again = await SubmitAsync(http, """{"model":"test/painter","prompt":"A golden cat"}""");
        await PollUntilAsync(http, again.GetProperty("task_id").GetString()!, "SUCCEED");
    }

    /// <summary>Waits until the painter's deployment answers a (synchronous) call: a failed call ejects it for a while.</summary>
    private static Task AnsweringAsync(HttpClient http) => Eventually.WaitAsync(async () =>
    {
        using var sync = await http.PostAsync("/v1/images/generations", new StringContent("""{"model":"test/painter","prompt":"A cat"}""", Encoding.UTF8, "application/json"));
        return sync.StatusCode == HttpStatusCode.OK;
    }, "the painter's deployment to answer (no longer ejected)", TimeSpan.FromSeconds(60));

    [Fact]
    public async Task BadInput_InAsyncMode_Is400_AndNoTask()
    {
        using var http = media.Gateway.CreateClient();
        var calls = media.Engine.Calls;

        using var response = await PostAsync(http, """{"model":"test/painter","prompt":"a","loras":{"a":0.3}}""");
        using var unknown = await GetTaskAsync(http, new string('0', 32));
        using var badType = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{new string('0', 32)}") { Headers = { { "X-ModelScope-Task-Type", "video_generation" } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);
        Assert.Equal(calls, media.Engine.Calls);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string body) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Headers = { { "X-ModelScope-Async-Mode", "true" } },
        });

    private static async Task<JsonElement> SubmitAsync(HttpClient http, string body)
    {
        using var response = await PostAsync(http, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static Task<HttpResponseMessage> GetTaskAsync(HttpClient http, string taskId) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{taskId}") { Headers = { { "X-ModelScope-Task-Type", "image_generation" } } });

    private static async Task<JsonElement> PollAsync(HttpClient http, string taskId)
    {
        using var response = await GetTaskAsync(http, taskId);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    // ModelScope's sample polls every 5 s; the test polls often, for at most 30 s.
    private static async Task<JsonElement> PollUntilAsync(HttpClient http, string taskId, string status)
    {
        for (var i = 0; ; i++)
        {
            var task = await PollAsync(http, taskId);
            if (task.GetProperty("task_status").GetString() == status)
            {
                return task;
            }

            Assert.True(i < 600, $"task {taskId} is still {task.GetProperty("task_status")}, not {status}");
            await Task.Delay(50);
        }
    }
}

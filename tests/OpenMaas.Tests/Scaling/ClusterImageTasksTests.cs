using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using OpenMaas.Tests.Upstream;

namespace OpenMaas.Tests.Scaling;

/// <summary>ModelScope's async image tasks on two nodes sharing PostgreSQL, Redis and an images folder: a task
/// submitted on one node is polled on the other; a node killed while running a task leaves it to the survivor, which
/// fails it and refunds its call once the dead node's heartbeat is older than the timeout.</summary>
[Trait("Category", "Slow")]
public sealed class ClusterImageTasksTests : IAsyncLifetime
{
    private const string Painter = "test/painter";
    private readonly TasksCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task APollOnTheOtherNode_SeesTheTask_AndANodeKilledMidTask_IsFailedAndRefunded()
    {
        var (_, token) = await _cluster.UserAsync("cluster-painter", daily: 10);
        using var a = _cluster.A.Client(token);
        using var b = _cluster.B.Client(token);
        await WaitForModelAsync(a);
        await WaitForModelAsync(b);

        // Submitted on A, polled on B until it succeeds; B serves the image from the shared folder.
        var first = await SubmitAsync(a);
        var done = await PollUntilAsync(b, first, "SUCCEED");
        var url = done.GetProperty("output_images")[0].GetString()!;
        Assert.StartsWith(_cluster.B.Url.ToString().TrimEnd('/'), url);
        using (var anonymous = new HttpClient())
        {
            Assert.Equal(ScriptedMediaEngine.Png, await anonymous.GetByteArrayAsync(url));
        }

        Assert.Equal(1, await _cluster.CountedAsync("cluster-painter"));

        // The engine holds the next picture; the node that claimed the task dies.
        _cluster.Engine.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var second = await SubmitAsync(a);
            await PollUntilAsync(b, second, "RUNNING");
            var runner = await RunnerAsync(second);
            var (dead, survivor) = runner == _cluster.A.Process.Id ? (_cluster.A, b) : (_cluster.B, a);
            dead.Process.Kill(entireProcessTree: true);
            await dead.Process.WaitForExitAsync();

            var failed = await PollUntilAsync(survivor, second, "FAILED");
            Assert.Equal("task_timeout", failed.GetProperty("errors").GetProperty("code").GetString());
            for (var i = 0; await _cluster.CountedAsync("cluster-painter") != 1 && i < 200; i++)
            {
                await Task.Delay(50);
            }

            Assert.Equal(1, await _cluster.CountedAsync("cluster-painter"));
        }
        finally
        {
            _cluster.Engine.Hold.TrySetResult();
        }
    }

    private async Task<int> RunnerAsync(string taskId)
    {
        await using var connection = new NpgsqlConnection(_cluster.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"Node\" FROM inference_tasks WHERE \"Id\" = @id", connection);
        command.Parameters.AddWithValue("id", taskId);
        var node = (string)(await command.ExecuteScalarAsync())!;
        return int.Parse(node[(node.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitForModelAsync(HttpClient http)
    {
        for (var i = 0; ; i++)
        {
            var models = await http.GetFromJsonAsync<JsonElement>("/v1/models");
            if (models.GetProperty("data").EnumerateArray().Any(m => m.GetProperty("id").GetString() == Painter))
            {
                return;
            }

            Assert.True(i < 400, "the image model never appeared");
            await Task.Delay(50);
        }
    }

    private static async Task<string> SubmitAsync(HttpClient http)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations")
        {
            Content = new StringContent($$"""{"model":"{{Painter}}","prompt":"A golden cat"}""", Encoding.UTF8, "application/json"),
            Headers = { { "X-ModelScope-Async-Mode", "true" } },
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("task_id").GetString()!;
    }

    private static async Task<JsonElement> PollUntilAsync(HttpClient http, string taskId, string status)
    {
        for (var i = 0; ; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{taskId}") { Headers = { { "X-ModelScope-Task-Type", "image_generation" } } };
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            var task = JsonDocument.Parse(text).RootElement;
            if (task.GetProperty("task_status").GetString() == status)
            {
                return task;
            }

            Assert.True(i < 1200, $"task {taskId} is still {task.GetProperty("task_status")}, not {status}");
            await Task.Delay(50);
        }
    }

    private sealed class TasksCluster : ClusterFixture
    {
        private readonly string _images = Path.Combine(Path.GetTempPath(), "openmaas-tests", "cluster-images-" + Guid.NewGuid().ToString("N"));

        public ScriptedMediaEngine Engine { get; private set; } = null!;

        protected override string[] NodeSettings =>
        [
            .. base.NodeSettings,
            "--Images:TaskTimeoutSeconds=3",
            "--Images:PollMilliseconds=200",
            $"--Images:Directory={_images}",
            $"--Upstreams:Models:{Painter}:Task=text-to-image-synthesis",
            $"--Upstreams:Models:{Painter}:Deployments:0:Url={Engine.V1}",
            $"--Upstreams:Models:{Painter}:Deployments:0:UpstreamModel=painter",
        ];

        public override async Task InitializeAsync()
        {
            Engine = await ScriptedMediaEngine.StartAsync();
            await base.InitializeAsync();
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            await Engine.DisposeAsync();
        }
    }
}

using OpenMaas.Server.Auth;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Tasks;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>ModelScope's task ("pipeline") API: <c>POST /api-inference/v1/models/{owner}/{name}</c> through the call
/// pipeline (same tokens, API-Inference, quota and usage log as chat), answers and errors in its envelope.</summary>
internal static class TaskApiEndpoints
{
    public static readonly CallEndpoint Task = new("modelscope", "task");

    public static IEndpointRouteBuilder MapTaskApi(this WebApplication app)
    {
        var group = app.MapGroup("/api-inference/v1").RequireAccessToken(app.Services).WithErrorWriter(TaskApiEnvelope.Instance);
        group.MapInference<TaskApiAdapter, TaskCallRequest, PreparedTask>("/models/{owner}/{name}").WithName("TaskApi").DisableAntiforgery();
        return app;
    }
}

/// <summary>The wire adapter of the task API.</summary>
internal sealed class TaskApiAdapter(TimeProvider clock, ILogger<TaskApiAdapter> logger) : IWireAdapter<TaskCallRequest, PreparedTask>
{
    public async ValueTask<TaskCallRequest> ReadAsync(HttpContext http)
    {
        var (input, parameters) = await TaskApiReader.ReadAsync(http.Request);
        return new TaskCallRequest
        {
            Model = $"{http.Request.RouteValues["owner"]}/{http.Request.RouteValues["name"]}",
            Endpoint = TaskApiEndpoints.Task,
            Input = input,
            Parameters = parameters.Numbers,
            TextParameters = parameters.Texts,
        };
    }

    public async Task<IResult> RespondAsync(HttpContext http, TaskCallRequest request, AdmittedCall<PreparedTask> call)
    {
        var result = await TaskRunner.RunAsync(call.Prepared, logger, http.RequestAborted);
        call.Call.SetUsage(result.PromptTokens, result.CompletionTokens);
        call.Call.MarkFirstOutput(clock.GetUtcNow());
        return TypedResults.Bytes(TaskApiEnvelope.Success(result.Data, http.TraceIdentifier), "application/json");
    }
}

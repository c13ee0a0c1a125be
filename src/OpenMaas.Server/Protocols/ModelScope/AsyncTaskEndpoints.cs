using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Accounts;
using OpenMaas.Core.Tasks;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Images;

namespace OpenMaas.Server.Protocols.ModelScope;

/// <summary>ModelScope's task poll, <c>GET /v1/tasks/{task_id}</c> (header <c>X-ModelScope-Task-Type:
/// image_generation</c>): free (no quota), any node answers from the task table, only the task's owner sees it — to
/// anyone else it does not exist (404).</summary>
internal static class AsyncTaskEndpoints
{
    public const string TaskTypeHeader = "X-ModelScope-Task-Type";

    public static IEndpointRouteBuilder MapAsyncTasks(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/tasks/{taskId}", GetAsync).WithName("AsyncTask");
        return v1;
    }

    /// <summary>The poll; also mapped for the console (its session instead of a token).</summary>
    internal static async Task<IResult> GetAsync(string taskId, HttpContext http, InferenceTaskStore tasks, ImageStore images, IOptions<AuthOptions> auth)
    {
        if (http.Request.Headers[TaskTypeHeader] is [{ } type] && type != ImageTasks.Kind)
        {
            throw CallException.BadRequest($"Unknown task type '{type}' in {TaskTypeHeader}; this server runs '{ImageTasks.Kind}' tasks.");
        }

        var task = taskId.Length == 32 ? await tasks.PollAsync(taskId, http.RequestAborted) : null;
        if (task is null || (auth.Value.Enabled && task.UserId != http.User.UserId()))
        {
            throw new CallException(StatusCodes.Status404NotFound, CallErrorKind.NotFound, $"Task '{taskId}' does not exist.", "task_id", "task_not_found");
        }

        return TypedResults.Bytes(Write(task, name => images.Link(http.Request, name)), "application/json");
    }

    /// <summary>ModelScope's answer: <c>{"request_id","task_id","task_status","output_images":[url]}</c>, with
    /// <c>"errors":{"code","message"}</c> when it failed.</summary>
    internal static byte[] Write(TaskPoll task, Func<string, string> link)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("request_id", task.RequestId);
            json.WriteString("task_id", task.Id);
            json.WriteString("task_status", task.Status);
            if (task.Status == TaskStatuses.Succeeded)
            {
                json.WriteStartArray("output_images");
                foreach (var name in (task.Outputs ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    json.WriteStringValue(link(name));
                }

                json.WriteEndArray();
            }
            else if (task.Status == TaskStatuses.Failed)
            {
                json.WriteStartObject("errors");
                json.WriteString("code", task.ErrorCode);
                json.WriteString("message", task.ErrorMessage);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

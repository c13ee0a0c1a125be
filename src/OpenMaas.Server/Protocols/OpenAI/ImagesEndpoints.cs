using Microsoft.AspNetCore.Authentication;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Engines;
using OpenMaas.Server.Runtimes.Images;

namespace OpenMaas.Server.Protocols.OpenAI;

/// <summary><c>POST /v1/images/generations</c> and <c>/v1/images/edits</c> through the call pipeline, and
/// <c>GET /files/images/{name}</c>, which serves the images to their owner or to a signed link.</summary>
internal static class ImagesEndpoints
{
    public static readonly CallEndpoint Generations = new(OpenAIEndpoints.Protocol, "images.generations");
    public static readonly CallEndpoint Edits = new(OpenAIEndpoints.Protocol, "images.edits");

    public static IEndpointRouteBuilder MapImages(this IEndpointRouteBuilder inference)
    {
        inference.MapInference<ImageGenerationsAdapter, ImageRequest, PreparedImages>("/images/generations").WithName("ImageGenerations");
        inference.MapInference<ImageEditsAdapter, ImageRequest, PreparedImages>("/images/edits").WithName("ImageEdits").DisableAntiforgery();
        return inference;
    }

    /// <summary>Outside /v1's token requirement: a signed link opens an image without a token (an &lt;img&gt; cannot
    /// send one); otherwise only the owner's token or console session does. Anything else is a 404, as if absent.</summary>
    public static IEndpointRouteBuilder MapImageFiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/files/images/{name}", GetFileAsync).WithName("ImageFile");
        return app;
    }

    private static async Task<IResult> GetFileAsync(string name, string? sig, HttpContext http, ImageStore store)
    {
        var auth = await http.AuthenticateAsync(AuthNames.TokenOrSessionScheme);
        var path = store.Open(name, auth.Succeeded ? auth.Principal.UserId() : null, sig);
        return path is null ? TypedResults.NotFound() : TypedResults.PhysicalFile(path, ImageStore.ContentType(name));
    }
}

/// <summary>Runs an admitted image call on the engines and answers in OpenAI's shape: base64, or links to the images
/// kept by OpenMaaS (signed, expiring).</summary>
internal sealed class ImagesResponder(EngineImages engines, ImageStore store, ImageTasks tasks, TimeProvider clock)
{
    public async Task<IResult> RespondAsync(HttpContext http, ImageRequest request, AdmittedCall<PreparedImages> call)
    {
        if (request.Async)
        {
            // ModelScope's async mode: the call is counted now and refunded if the task fails.
            var (taskId, requestId) = await tasks.SubmitAsync(http, call, request.Json!.Value);
            return TypedResults.Bytes(AsyncSubmitted(taskId, requestId), "application/json");
        }

        var images = await engines.GenerateAsync(call.Prepared.ModelId, request.EnginePath, request.EngineBody, http.TraceIdentifier, http.RequestAborted);
        var now = clock.GetUtcNow();
        call.Call.MarkFirstOutput(now);
        List<string>? urls = null;
        if (!request.Base64)
        {
            urls = [];
            var owner = call.Call.Caller.UserId() ?? 0;
            foreach (var image in images)
            {
                var name = await store.SaveAsync(owner, image, http.RequestAborted);
                urls.Add(store.Link(http.Request, name));
            }
        }

        return TypedResults.Bytes(ImagesFormat.Write(now.ToUnixTimeSeconds(), urls, [.. images.Select(i => i.Bytes)]), "application/json");
    }

    private static byte[] AsyncSubmitted(string taskId, string requestId)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("task_id", taskId);
            json.WriteString("request_id", requestId);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>The wire adapter of <c>POST /v1/images/generations</c> (JSON).</summary>
internal sealed class ImageGenerationsAdapter(ImagesResponder responder) : IWireAdapter<ImageRequest, PreparedImages>
{
    public ValueTask<ImageRequest> ReadAsync(HttpContext http) => ReadAsync(http, ImagesEndpoints.Generations, ImageTasks.AsyncRequested(http.Request));

    /// <summary>Reads and checks a generations body (also the console's, which always runs as an async task).</summary>
    public static async ValueTask<ImageRequest> ReadAsync(HttpContext http, CallEndpoint endpoint, bool async)
    {
        var (body, bytes) = await JsonBodyReader.ReadAsync(http, OpenAIJson.Default.ImagesBody, FieldPathStyle.Brackets);
        var prompt = body.Check();
        return new ImageRequest
        {
            Model = body.Model,
            Endpoint = endpoint,
            Prompt = prompt,
            Count = body.N ?? 1,
            Base64 = body.ResponseFormat == "b64_json",
            Async = async,
            Json = bytes,
            EnginePath = "images/generations",
            EngineBody = EngineImages.Json(bytes),
        };
    }

    public Task<IResult> RespondAsync(HttpContext http, ImageRequest request, AdmittedCall<PreparedImages> call) => responder.RespondAsync(http, request, call);
}

/// <summary>The wire adapter of <c>POST /v1/images/edits</c> (multipart: <c>image</c> or <c>image[]</c> files, an
/// optional <c>mask</c>, <c>prompt</c>, <c>model</c>, …), passed on as <see cref="EngineForm"/>.</summary>
internal sealed class ImageEditsAdapter(ImagesResponder responder) : IWireAdapter<ImageRequest, PreparedImages>
{
    public async ValueTask<ImageRequest> ReadAsync(HttpContext http)
    {
        var request = http.Request;
        var form = await FormBody.ReadAsync(http);
        if (ImageTasks.AsyncRequested(request))
        {
            throw CallException.BadRequest($"The async mode ({ImageTasks.AsyncHeader}) takes image generations (JSON), not edits.");
        }

        var model = FormBody.Single(form, "model") ?? throw CallException.BadRequest("'model' is required.", "model");
        var prompt = FormBody.Single(form, "prompt") ?? throw CallException.BadRequest("'prompt' is required.", "prompt");
        if (!form.Files.Any(f => f.Name is "image" or "image[]"))
        {
            throw CallException.BadRequest("'image' is required: one or more image files.", "image");
        }

        var n = FormBody.Single(form, "n") is { } count ? int.TryParse(count, out var parsed) ? parsed : throw CallException.BadRequest("'n' must be an integer.", "n") : (int?)null;
        var format = FormBody.Single(form, "response_format");
        ImagesBody.CheckCommon(FormBody.Single(form, "size"), n, format);
        return new ImageRequest
        {
            Model = model,
            Endpoint = ImagesEndpoints.Edits,
            Prompt = prompt,
            Count = n ?? 1,
            Base64 = format == "b64_json",
            EnginePath = "images/edits",
            EngineBody = engineModel => EngineForm.Create(form, engineModel, ("response_format", "b64_json")),
        };
    }

    public Task<IResult> RespondAsync(HttpContext http, ImageRequest request, AdmittedCall<PreparedImages> call) => responder.RespondAsync(http, request, call);
}

using OpenMaas.Server.Protocols.Anthropic;
using OpenMaas.Server.Auth;
using OpenMaas.Server.Library;
using OpenMaas.Server.Protocols.AccountApi;
using OpenMaas.Server.Protocols.ModelScope;
using OpenMaas.Server.Protocols.OpenAI;
using OpenMaas.Server.Protocols.OpenAI.ResponsesApi;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;
using OpenMaas.Server.Runtimes;
using OpenMaas.Server.Runtimes.Embeddings;
using OpenMaas.Server.Runtimes.Engines;
using OpenMaas.Server.Runtimes.Images;
using OpenMaas.Server.Runtimes.Tasks;
using OpenMaas.Server.Runtimes.TextGeneration;
using OpenMaas.Server.WebConsole;

namespace OpenMaas.Server.Hosting;

internal static class EndpointsExtensions
{
    public static IServiceCollection AddOpenMaasEndpoints(this IServiceCollection services)
    {
        // The call pipeline and its steps.
        services.AddSingleton<CallPipeline>();
        services.AddSingleton<ModelAccess>();
        services.AddSingleton<ModelResolution>();
        services.AddSingleton<QuotaAdmission>();
        services.AddSingleton<ICallAuthorizer, ApiInferenceAuthorizer>();
        services.AddSingleton<ICallAuthorizer, TokenScopeAuthorizer>();
        // Runtime selection and the preparers are the domain's (AddOpenMaasDomain).

        // The OpenAI surface.
        services.AddSingleton<GenerationResponder>();
        services.AddSingleton<ChatCompletionsAdapter>();
        services.AddSingleton<CompletionsAdapter>();
        services.AddSingleton<EmbeddingsAdapter>();
        services.AddSingleton<RerankAdapter>();
        services.AddSingleton<ImageStore>();
        services.AddSingleton<EngineImages>();
        services.AddSingleton<ImagesResponder>();
        services.AddSingleton<ImageTasks>();
        services.AddHostedService<ImageTaskWorker>();
        services.AddSingleton<ImageTaskRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<ImageTaskRetention>());
        services.AddSingleton<EngineMedia>();
        services.AddSingleton<TranscriptionsAdapter>();
        services.AddSingleton<TranslationsAdapter>();
        services.AddSingleton<SpeechAdapter>();
        services.AddSingleton<ImageGenerationsAdapter>();
        services.AddSingleton<ImageEditsAdapter>();

        // OpenAI's Responses API: a third encoder on the same responder, its stored answers and their retention job.
        services.AddSingleton<ResponsesAdapter>();
        services.AddSingleton<ICallPreparer<ResponsesCall, PreparedGeneration>, ResponsesPreparer>();
        services.AddSingleton<ResponsesRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<ResponsesRetention>());

        // The ModelScope task API.
        services.AddSingleton<TaskApiAdapter>();

        // The Anthropic surface.
        services.AddSingleton<MessagesAdapter>();

        services.AddOpenMaasLibrary();
        services.AddOpenMaasConsole();
        return services;
    }

    public static WebApplication MapOpenMaas(this WebApplication app)
    {
        // /v1 is the OpenAI surface; a group under it with another shape (Anthropic's /v1/messages) declares its own
        // error writer with WithErrorWriter, which the middleware and the 401 challenge follow.
        // /api binds JSON bodies with ASP.NET Core, which throws (a 500) on a charset it does not know: refuse it first.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api") && !c.Request.Path.StartsWithSegments("/api-inference"), api => api.Use(async (context, next) =>
        {
            if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var media)
                && media.Charset is { Length: > 0 } charset && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = { Status = 415, Detail = $"Send the body as UTF-8 (charset '{charset}' is not taken)." },
                });
                return;
            }

            await next(context);
        }));
        // /v1/messages answers what no endpoint takes (405, 404) in Anthropic's shape, the rest of /v1 in OpenAI's.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1/messages"), m => m.UseMiddleware<CallErrorMiddleware>(AnthropicErrorWriter.Instance));
        app.UseWhen(c => (c.Request.Path.StartsWithSegments("/v1") && !c.Request.Path.StartsWithSegments("/v1/messages")) || c.Request.Path.StartsWithSegments("/rerank"), v1 => v1.UseMiddleware<CallErrorMiddleware>(OpenAIErrorWriter.Instance));
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api-inference"), t => t.UseMiddleware<CallErrorMiddleware>(TaskApiEnvelope.Instance));
        app.UseOpenMaasConsole();
        // The audit log's actor: the caller of console, /api/v1 and hub requests, read when an event is recorded (so
        // also during the single sign-on callback, which the authentication middleware handles); inference records nothing.
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/v1") && !c.Request.Path.StartsWithSegments("/api-inference"), a => a.UseMiddleware<AuditRequestMiddleware>());
        // After the error middleware, so 401s on /v1 carry its request id.
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
        app.MapLibrary();
        app.MapAuth();
        app.MapTokens();
        app.MapOrganizations();
        app.MapUsage();
        app.MapBalance();
        app.MapCredits();
        app.MapLimits();
        app.MapAudit();
        app.MapOpenMaasConsole();

        var v1 = app.MapGroup("/v1").RequireAccessToken(app.Services).WithErrorWriter(OpenAIErrorWriter.Instance);
        v1.MapModels();

        // Inference endpoints: each is the call pipeline (read → resolve → authorize → prepare → admit → respond).
        v1.MapCompletions();
        v1.MapEmbeddings();
        v1.MapRerank();
        v1.MapImages();
        v1.MapAsyncTasks();
        v1.MapAudio();
        app.MapImageFiles();

        // vLLM and Xinference also take rerank at the root; same tokens, same errors as /v1.
        app.MapGroup(string.Empty).RequireAccessToken(app.Services).WithErrorWriter(OpenAIErrorWriter.Instance).MapRerank("RerankAtRoot");
        app.MapTaskApi();
        v1.MapMessages();
        v1.MapResponses();
        return app;
    }
}

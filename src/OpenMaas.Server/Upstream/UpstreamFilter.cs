using OpenMaas.Core.Catalog;
using OpenMaas.Server.Endpoints;
using OpenMaas.Server.Metering;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Upstream;

/// <summary>Runs calls to models of format <c>upstream</c> on their engines (after model resolution and quota
/// admission, like a local model); other calls go on to the local runtime.</summary>
internal sealed class UpstreamFilter(UpstreamProxy proxy) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Features.Get<InferenceCall>() is not { Model.Format: ModelFormats.Upstream } call)
        {
            return await next(context);
        }

        var body = http.Features.Get<RawRequestBody>() ?? throw new InvalidOperationException("The request reader did not keep the body.");
        var request = Find(context);
        var path = call.Endpoint == "chat.completions" ? "chat/completions" : call.Endpoint;
        await proxy.RunAsync(http, call, new UpstreamCall(path, body.Bytes, request?.Stream == true, request?.StreamOptions?.IncludeUsage == true));
        return TypedResults.Empty;
    }

    private static SamplingRequest? Find(EndpointFilterInvocationContext context)
    {
        foreach (var argument in context.Arguments)
        {
            switch (argument)
            {
                case ChatBody chat:
                    return chat.Request;
                case CompletionBody completion:
                    return completion.Request;
            }
        }

        return null;
    }
}

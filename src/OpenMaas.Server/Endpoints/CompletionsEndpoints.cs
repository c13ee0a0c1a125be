using OpenMaas.Server.Generation;
using OpenMaas.Server.OpenAI;

namespace OpenMaas.Server.Endpoints;

/// <summary><c>POST /v1/chat/completions</c> and <c>POST /v1/completions</c>.</summary>
internal static class CompletionsEndpoints
{
    public static RouteGroupBuilder MapCompletions(this RouteGroupBuilder inference)
    {
        inference.MapPost("/chat/completions", ChatCompletions).WithName("ChatCompletions");
        inference.MapPost("/completions", Completions).WithName("Completions");
        return inference;
    }

    internal static Task<IResult> ChatCompletions(HttpContext http, ChatBody body, CompletionRunner runner) =>
        runner.RunAsync(http, ChatFormat.Instance, body.Request, body.Request.ToPrompt(), body.Request.EffectiveMaxTokens());

    internal static Task<IResult> Completions(HttpContext http, CompletionBody body, CompletionRunner runner) =>
        runner.RunAsync(http, TextFormat.Instance, body.Request, body.Request.ToPrompt(), body.Request.MaxTokens);
}

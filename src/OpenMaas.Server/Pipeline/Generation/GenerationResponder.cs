namespace OpenMaas.Server.Pipeline.Generation;

/// <summary>
/// Answers an admitted text generation on any surface: the path the preparer chose decides — a pass-through to an
/// engine that speaks the surface's protocol, or the <see cref="GenerationLoop"/> over a local model or an engine's
/// neutral chunks, streamed through the surface's <see cref="IGenerationEncoder"/> or collected into its answer.
/// </summary>
internal sealed class GenerationResponder(IPassThroughResponder passThrough, TimeProvider clock, ILogger<GenerationResponder> logger)
{
    public async Task<IResult> RespondAsync(HttpContext http, AdmittedCall<PreparedGeneration> admitted, IGenerationEncoder encoder, bool stream)
    {
        var call = admitted.Call;
        switch (admitted.Prepared)
        {
            case PreparedGeneration.PassThrough pass:
                await passThrough.RespondAsync(http, call, pass.Request);
                return TypedResults.Empty;
            case PreparedGeneration.Driven driven when stream:
                using (var output = new StreamedOutput(http, encoder, call, clock))
                {
                    await GenerationLoop.RunAsync(driven, output, call, call.Model.Id, logger, http.RequestAborted);
                }

                return TypedResults.Empty;
            case PreparedGeneration.Driven driven:
                var result = await GenerationLoop.CollectAsync(driven, call, call.Model.Id, logger, http.RequestAborted);
                call.MarkFirstOutput(clock.GetUtcNow());
                return encoder.ToResult(result);
            default:
                throw new ArgumentOutOfRangeException(nameof(admitted), admitted.Prepared, "Unknown kind of prepared generation.");
        }
    }
}

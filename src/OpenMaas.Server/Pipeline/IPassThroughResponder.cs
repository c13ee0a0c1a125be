namespace OpenMaas.Server.Pipeline;

/// <summary>The pass-through path (implemented by the engines runtime): a request sent as is to an engine that speaks
/// the caller's protocol, its answer passed back as it comes.</summary>
public interface IPassThroughResponder
{
    /// <summary>Sends <paramref name="request"/> and writes the engine's answer; throws <see cref="CallException"/>
    /// when it fails before anything reached the client.</summary>
    Task RespondAsync(HttpContext http, InferenceCall call, PassThroughRequest request);
}

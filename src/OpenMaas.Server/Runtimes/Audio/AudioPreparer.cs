using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Runtimes.Engines;

namespace OpenMaas.Server.Runtimes.Audio;

/// <summary>Audio runs on engines only: a model served by engines whose task is the endpoint's (speech recognition or
/// synthesis) and that has deployments is ready; any other model is a 400 before admission.</summary>
internal sealed class AudioPreparer(EngineDeployments engines) : ICallPreparer<AudioRequest, PreparedAudio>
{
    public async ValueTask<PreparedAudio> PrepareAsync(AudioRequest request, InferenceCall call, CancellationToken ct)
    {
        await engines.RequireEnginesOnlyAsync(call.Model, request.Task == AudioTask.Recognition ? UpstreamModels.IsSpeechRecognition : UpstreamModels.IsSpeechSynthesis, ct);
        return new PreparedAudio(call.Model.Id);
    }
}

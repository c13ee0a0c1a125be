namespace OpenMaas.Server.Metering;

/// <summary>A bound and validated /v1 inference request: it names the model it wants and its endpoint.</summary>
public interface IInferenceRequest
{
    string Model { get; }

    /// <summary>The endpoint name recorded in the usage log, e.g. <c>chat.completions</c>.</summary>
    string Endpoint { get; }
}

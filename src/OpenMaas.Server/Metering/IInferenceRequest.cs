namespace OpenMaas.Server.Metering;

/// <summary>A validated /v1 inference request body: it names the model it wants.</summary>
public interface IInferenceRequest
{
    string Model { get; }

    /// <summary>The endpoint name recorded in the usage log.</summary>
    static abstract string EndpointName { get; }
}

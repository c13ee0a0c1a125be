namespace OpenMaas.Server.Metering;

internal static class MeteringEndpointExtensions
{
    /// <summary>Counts the group's calls against the daily quota. Goes after the model resolution filter, which
    /// sets the <see cref="InferenceCall"/> feature; requests without one pass through uncounted.</summary>
    public static RouteGroupBuilder AddQuota(this RouteGroupBuilder inference) => inference.AddEndpointFilter<QuotaFilter>();
}

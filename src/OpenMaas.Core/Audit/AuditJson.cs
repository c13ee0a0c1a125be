using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenMaas.Core.Audit;

/// <summary>Before/after snapshots as compact JSON. Callers pass anonymous objects or records that carry no secret.</summary>
public static class AuditJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Of<T>(T value) => JsonSerializer.Serialize(value, Options);
}

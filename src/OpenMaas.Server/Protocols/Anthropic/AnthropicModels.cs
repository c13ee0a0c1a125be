using System.Globalization;
using OpenMaas.Core.Catalog;
using OpenMaas.Server.Pipeline;
using OpenMaas.Server.Pipeline.Generation;

namespace OpenMaas.Server.Protocols.Anthropic;

/// <summary>One model as Anthropic's Models API shows it.</summary>
public sealed record AnthropicModelInfo(string Id, string DisplayName, string CreatedAt)
{
    /// <summary>Always <c>model</c>.</summary>
    public string Type => "model";
}

/// <summary>A page of Anthropic's model list: <c>data</c>, <c>first_id</c>, <c>last_id</c>, <c>has_more</c>.</summary>
public sealed record AnthropicModelList(IReadOnlyList<AnthropicModelInfo> Data, string? FirstId, string? LastId, bool HasMore);

/// <summary>
/// <c>GET /v1/models</c> for Anthropic's clients, which always send <c>anthropic-version</c> (OpenAI's never do): the
/// same models (API-Inference on, inside the token's scope) in Anthropic's shape, with its cursor paging
/// (<c>limit</c> 1–1000, default 20; <c>after_id</c>, <c>before_id</c>) and its error shape.
/// </summary>
internal static class AnthropicModels
{
    public const string VersionHeader = "anthropic-version";
    private const int DefaultLimit = 20;
    private const int MaxLimit = 1000;

    /// <summary>Whether the caller is an Anthropic client.</summary>
    public static bool IsAnthropic(HttpRequest request) => request.Headers.ContainsKey(VersionHeader);

    /// <summary>The page the query asks for, over <paramref name="models"/> in their listed order.</summary>
    public static AnthropicModelList Page(IReadOnlyList<ModelRecord> models, IQueryCollection query)
    {
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            throw Invalid($"limit: must be an integer from 1 to {MaxLimit}.");
        }

        var after = query["after_id"].ToString();
        var before = query["before_id"].ToString();
        if (after.Length > 0 && before.Length > 0)
        {
            throw Invalid("after_id and before_id cannot both be given.");
        }

        IEnumerable<ModelRecord> page;
        bool more;
        if (before.Length > 0)
        {
            var end = IndexOf(models, before, "before_id");
            var start = Math.Max(0, end - limit);
            page = models.Skip(start).Take(end - start);
            more = start > 0;
        }
        else
        {
            var start = after.Length > 0 ? IndexOf(models, after, "after_id") + 1 : 0;
            page = models.Skip(start).Take(limit);
            more = start + limit < models.Count;
        }

        var data = page.Select(ToWire).ToList();
        return new AnthropicModelList(data, data.FirstOrDefault()?.Id, data.LastOrDefault()?.Id, more);
    }

    public static AnthropicModelInfo ToWire(ModelRecord m) =>
        new(m.Id, string.IsNullOrWhiteSpace(m.DisplayName) ? m.Id : m.DisplayName, m.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));

    private static int IndexOf(IReadOnlyList<ModelRecord> models, string id, string param)
    {
        for (var i = 0; i < models.Count; i++)
        {
            if (string.Equals(models[i].Id, id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw Invalid($"{param}: no model '{id}' in this list.");
    }

    private static CallException Invalid(string message) => CallException.BadRequest(message);
}

/// <summary>The error writer of <c>/v1/models</c>, which both protocols' clients call: Anthropic's shape for a request
/// that carries <c>anthropic-version</c>, OpenAI's otherwise.</summary>
internal sealed class ModelsErrorWriter(ISurfaceErrorWriter openAi) : ISurfaceErrorWriter
{
    public Task WriteAsync(HttpContext context, CallException error) =>
        (AnthropicModels.IsAnthropic(context.Request) ? AnthropicErrorWriter.Instance : openAi).WriteAsync(context, error);

    public void WriteStreamError(SseWriter sse, CallException error, string requestId) => openAi.WriteStreamError(sse, error, requestId);
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

using OpenMaas.Core.Catalog;

namespace OpenMaas.Core.Hub;

/// <summary>A file as a ModelScope-compatible hub lists it.</summary>
public sealed record RemoteFile(string Path, string Name, long Size, string? Sha256);

/// <summary>What the hub says about a model, read leniently: an OpenMaaS hub and ModelScope name some fields differently.</summary>
public sealed record RemoteModel(string Task, string? DisplayName, string? License, IReadOnlyList<string> Tags, string? Description, string? Revision);

/// <summary>Talks to a ModelScope-compatible hub (a domain service in Core: the CLI's <c>model pull</c> and the tests use it) (ModelScope itself or another OpenMaaS): model info, the recursive
/// file list, and file bytes from an offset (HTTP Range).</summary>
public sealed class HubClient(HttpClient http, Uri endpoint)
{
    /// <summary>ModelScope itself.</summary>
    public const string DefaultEndpoint = "https://www.modelscope.cn";

    /// <summary>The hub's base URL.</summary>
    public Uri Endpoint => endpoint;

    /// <summary>How long a download may go without receiving a byte before it is dropped and resumed (the modelscope
    /// SDK reads with a 60 s timeout).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times a dropped download is resumed before the pull fails (the SDK retries 5 times).</summary>
    public int Retries { get; init; } = 5;

    /// <summary><c>--endpoint</c>, else <c>MODELSCOPE_ENDPOINT</c> (read first by newer SDKs), else
    /// <c>MODELSCOPE_DOMAIN</c> (each a host, https assumed, or a full URL), else ModelScope. <c>MODELSCOPE_API_TOKEN</c>,
    /// when set, is sent as a bearer token and as the modelscope SDK's <c>m_session_id</c> cookie.</summary>
    public static HubClient Create(string? endpointOption, TimeSpan? idleTimeout = null)
    {
        var endpoint = ResolveEndpoint(endpointOption, Environment.GetEnvironmentVariable("MODELSCOPE_ENDPOINT"), Environment.GetEnvironmentVariable("MODELSCOPE_DOMAIN"));
        var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer() };
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("openmaas", "1.0"));
        if (Environment.GetEnvironmentVariable("MODELSCOPE_API_TOKEN") is { Length: > 0 } token)
        {
            // OpenMaaS reads the bearer token; ModelScope reads the SDK's session cookie, set for the hub's host only so
            // a redirect to a file CDN does not carry it.
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            handler.CookieContainer.Add(new Cookie("m_session_id", token, "/", endpoint.Host));
        }

        return new HubClient(http, endpoint) { IdleTimeout = idleTimeout ?? TimeSpan.FromSeconds(60) };
    }

    internal static Uri ResolveEndpoint(string? endpointOption, string? modelscopeEndpoint, string? modelscopeDomain)
    {
        var endpoint = endpointOption is { Length: > 0 } e ? e
            : modelscopeEndpoint is { Length: > 0 } me ? (me.Contains("://", StringComparison.Ordinal) ? me : "https://" + me)
            : modelscopeDomain is { Length: > 0 } d ? (d.Contains("://", StringComparison.Ordinal) ? d : "https://" + d)
            : DefaultEndpoint;
        return new Uri(endpoint.TrimEnd('/') + "/");
    }

    public async Task<RemoteModel> GetModelAsync(string id, string revision, CancellationToken ct)
    {
        using var doc = await GetDataAsync($"api/v1/models/{id}?Revision={Uri.EscapeDataString(revision)}", ct);
        var data = doc.RootElement.GetProperty("Data");
        var task = String(data, "Task")
            ?? (data.TryGetProperty("Tasks", out var tasks) && tasks.ValueKind == JsonValueKind.Array && tasks.GetArrayLength() > 0 ? String(tasks[0], "Name") : null);
        IReadOnlyList<string> tags = data.TryGetProperty("Tags", out var t) && t.ValueKind == JsonValueKind.Array
            ? [.. t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];
        return new RemoteModel(task ?? ModelTasks.TextGeneration, String(data, "DisplayName") ?? String(data, "ChineseName"),
            String(data, "License"), tags, String(data, "Description"), String(data, "Revision"));
    }

    /// <summary>Every file of the revision (folders left out). A list whose <c>Data.Files</c> is null or missing is an
    /// empty repository, as the SDK reads it.</summary>
    public async Task<IReadOnlyList<RemoteFile>> ListFilesAsync(string id, string revision, CancellationToken ct)
    {
        using var doc = await GetDataAsync($"api/v1/models/{id}/repo/files?Revision={Uri.EscapeDataString(revision)}&Recursive=true", ct);
        if (!doc.RootElement.GetProperty("Data").TryGetProperty("Files", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. list.EnumerateArray()
            .Where(f => f.ValueKind == JsonValueKind.Object && String(f, "Path") is not null && String(f, "Type") != "tree")
            .Select(f => new RemoteFile(String(f, "Path")!, String(f, "Name") ?? Path.GetFileName(String(f, "Path")!),
                f.TryGetProperty("Size", out var s) && s.TryGetInt64(out var size) ? size : -1, String(f, "Sha256")))];
    }

    /// <summary>The file's bytes from <paramref name="offset"/>; the caller checks for 206 (a server that ignores Range
    /// answers 200 with the whole file).</summary>
    public async Task<HttpResponseMessage> OpenFileAsync(string id, string revision, string path, long offset, CancellationToken ct)
    {
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        headers.CancelAfter(IdleTimeout);
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint,
            $"api/v1/models/{id}/repo?Revision={Uri.EscapeDataString(revision)}&FilePath={Uri.EscapeDataString(path)}"));
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{endpoint} sent no answer for '{path}' of {id} within {IdleTimeout.TotalSeconds:0} s.");
        }

        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new HubException($"{endpoint} answered {status} for file '{path}' of {id}.");
        }

        return response;
    }

    private async Task<JsonDocument> GetDataAsync(string path, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromMinutes(1));
        using var response = await http.GetAsync(new Uri(endpoint, path), cts.Token);
        var body = await response.Content.ReadAsStringAsync(cts.Token);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new HubException($"{endpoint} answered {(int)response.StatusCode} with no JSON for {path}.");
        }

        var root = doc.RootElement;
        var ok = response.IsSuccessStatusCode && root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Data", out var data)
            && data.ValueKind == JsonValueKind.Object && !(root.TryGetProperty("Success", out var s) && s.ValueKind == JsonValueKind.False);
        if (!ok)
        {
            var message = root.ValueKind == JsonValueKind.Object ? String(root, "Message") ?? String(root, "detail") : null;
            doc.Dispose();
            throw new HubException($"{endpoint} answered {(int)response.StatusCode} for {path}: {message ?? "no details"}");
        }

        return doc;
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}

/// <summary>The hub refused or answered something unusable; the message says what, for the user.</summary>
public sealed class HubException(string message) : Exception(message);

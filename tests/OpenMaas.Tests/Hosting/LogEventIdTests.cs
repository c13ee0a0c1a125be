using System.Reflection;
using Microsoft.Extensions.Logging;

namespace OpenMaas.Tests.Hosting;

/// <summary>Every <c>[LoggerMessage]</c> in the product has an event id of its own, declared in its area's Log class.</summary>
public sealed class LogEventIdTests
{
    private static readonly Assembly[] Product =
    [
        typeof(OpenMaas.Core.Catalog.ModelRecord).Assembly,
        typeof(OpenMaas.Inference.Abstractions.ITextGenerationModel).Assembly,
        typeof(OpenMaas.Server.Hosting.ServerApp).Assembly,
    ];

    private static IEnumerable<(MethodInfo Method, LoggerMessageAttribute Attribute)> Messages() =>
        from assembly in Product
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select (method, attribute);

    [Fact]
    public void EventIds_AreUniqueAcrossTheProduct()
    {
        var messages = Messages().ToList();
        Assert.NotEmpty(messages);
        var duplicates = messages.GroupBy(m => m.Attribute.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Method.DeclaringType!.Name}.{m.Method.Name}"))}").ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void EachArea_LogsFromOneLogClass()
    {
        var owners = Messages().Select(m => m.Method.DeclaringType!).Distinct().ToList();
        Assert.All(owners, t => Assert.EndsWith("Log", t.Name, StringComparison.Ordinal));
        Assert.Equal(owners.Count, owners.Select(t => t.Namespace).Distinct().Count());
    }

    [Fact]
    public void EveryEvent_IsInTheArchitectureDocsTable_WithItsMessage()
    {
        var doc = File.ReadAllText(Path.Combine(OpenMaas.Tests.Infrastructure.TestAssets.RepoRoot, "docs", "architecture.md"));
        var missing = Messages()
            .Where(m => !doc.Contains($"| {m.Attribute.EventId} | {m.Attribute.Level} |", StringComparison.Ordinal)
                || !doc.Contains(m.Attribute.Message.Replace("|", "\\|", StringComparison.Ordinal), StringComparison.Ordinal))
            .Select(m => $"{m.Attribute.EventId} {m.Method.DeclaringType!.Name}.{m.Method.Name}").ToList();
        Assert.True(missing.Count == 0, "docs/architecture.md's log id table lacks (or has another message for): " + string.Join(", ", missing));
    }
}

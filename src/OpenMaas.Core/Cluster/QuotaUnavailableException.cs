namespace OpenMaas.Core.Cluster;

/// <summary>The shared quota counters cannot be reached: the call is refused (503), never admitted uncounted.</summary>
public sealed class QuotaUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

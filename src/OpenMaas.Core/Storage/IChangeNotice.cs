namespace OpenMaas.Core.Storage;

/// <summary>
/// The notice that users, tokens, limits or model records changed, so caches of them must be dropped. Two implementations: the
/// change stamp in the data folder (<see cref="AuthStamp"/>, every process on one machine) and Redis pub/sub (every
/// node of a cluster, within milliseconds).
/// </summary>
public interface IChangeNotice
{
    /// <summary>The current value. Read it <em>before</em> reading what it guards; any change moves it.</summary>
    long Read();

    /// <summary>Call after the transaction that changed users, tokens, limits or models has committed.</summary>
    void Bump();
}

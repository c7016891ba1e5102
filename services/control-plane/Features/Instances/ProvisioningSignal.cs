namespace Cmp.ControlPlane.Features.Instances;

/// <summary>Wakes the provisioning worker when there is new work, so a new instance does not wait for the next poll.</summary>
public sealed class ProvisioningSignal
{
    readonly SemaphoreSlim _signal = new(0, 1);

    public void Pulse()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

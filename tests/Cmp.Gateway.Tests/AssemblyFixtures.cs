using Cmp.Gateway.Tests.Support;

// One platform (PostgreSQL, identity, Langflow simulator, runner, control plane, gateway) for the whole assembly.
// Tests arm faults in the shared simulator, so they run one at a time.
[assembly: AssemblyFixture(typeof(Platform))]
[assembly: CollectionBehavior(DisableTestParallelization = true)]

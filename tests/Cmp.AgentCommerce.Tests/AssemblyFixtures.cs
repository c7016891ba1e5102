using Cmp.AgentCommerce.Tests.Harness;

[assembly: AssemblyFixture(typeof(CommerceWorld))]
// Two cores are shared: a few classes at a time keep the simulators responsive.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]

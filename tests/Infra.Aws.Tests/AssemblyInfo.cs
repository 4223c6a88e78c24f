// The jsii runtime behind Amazon.CDK.Lib is one node process per test host, and its client is not thread-safe:
// CDK tests must not run in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

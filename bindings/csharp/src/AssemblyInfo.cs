// The overhead benchmark (tests/OverheadBench.cs) times the internal SWIG
// layer's direct C call beside the public API.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("OverheadBench")]

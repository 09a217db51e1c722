import { harnessFile, type LanguageRunner } from "./runner.ts";

/** Python 3: each test runs in a child forked from the warm harness, so one interpreter start per program. */
export function pythonRunner(python: string): LanguageRunner {
  const harness = harnessFile("python_harness.py");
  return {
    language: "python",
    fenceTags: ["python", "python3", "py", "py3"],
    harnessFile: harness,
    harnessPath: "/rs/harness.py",
    binds: [],
    // -I: ignore PYTHON* variables and the user's site directory (the system's packages stay importable).
    sandboxCommand: [python, "-I", "/rs/harness.py"],
    hostCommand: [python, "-I", harness],
    harnessIsInit: true,
  };
}

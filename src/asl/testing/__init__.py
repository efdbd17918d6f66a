"""Testing workflows without real agents: Step Functions Local mock files, ``asl test``,
``asl test-state`` (AWS's TestState) and the recording of real agent calls as mocks."""

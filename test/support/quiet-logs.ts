import { Logger } from '@nestjs/common';

// Code driven without an app (the medium tier, unit tests) logs through Nest's default console
// logger; a test run prints test results, not the service's logs. Apps under test configure
// their own logger (LOG_LEVEL silent unless a test reads the logs).
Logger.overrideLogger(false);

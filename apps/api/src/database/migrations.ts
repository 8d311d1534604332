import { CreateCoreSchema1763900000000 } from '../../../../migrations/1763900000000-CreateCoreSchema';
import { CreateAlerts1763900100000 } from '../../../../migrations/1763900100000-CreateAlerts';
import { NotifyTriggerChanges1764000000000 } from '../../../../migrations/1764000000000-NotifyTriggerChanges';
import { AddFlowControl1764000200000 } from '../../../../migrations/1764000200000-AddFlowControl';
import { AddDeliverySemanticsAndLifecycle1764000300000 } from '../../../../migrations/1764000300000-AddDeliverySemanticsAndLifecycle';
import { AddDeadLetterListIndexes1764000300001 } from '../../../../migrations/1764000300001-AddDeadLetterListIndexes';
import { AddVerificationAndAccess1764000400000 } from '../../../../migrations/1764000400000-AddVerificationAndAccess';
import { AddSilenceAlerts1764000500000 } from '../../../../migrations/1764000500000-AddSilenceAlerts';
import { CreateRedrives1764000510000 } from '../../../../migrations/1764000510000-CreateRedrives';
import { AddSlackAlertChannel1764000520000 } from '../../../../migrations/1764000520000-AddSlackAlertChannel';
import { AddTokenExpiryAndAuditDetails1764000530000 } from '../../../../migrations/1764000530000-AddTokenExpiryAndAuditDetails';
import { AddReceiving1765000200000 } from '../../../../migrations/1765000200000-AddReceiving';
import { AddClassificationRules1765000400000 } from '../../../../migrations/1765000400000-AddClassificationRules';
import { AddIdempotencyKeyPresets1765000100000 } from '../../../../migrations/1765000100000-AddIdempotencyKeyPresets';
import { AddRoutes1765000500200 } from '../../../../migrations/1765000500200-AddRoutes';
import { AddExecutionTraceParents1765400000000 } from '../../../../migrations/1765400000000-AddExecutionTraceParents';
import { IndexRoutedExecutions1765600000000 } from '../../../../migrations/1765600000000-IndexRoutedExecutions';
import { ShareRoutedPayloads1765700000000 } from '../../../../migrations/1765700000000-ShareRoutedPayloads';
import { AddTriggerHourCounts1765500000000 } from '../../../../migrations/1765500000000-AddTriggerHourCounts';
import { AddExecutionEventIds1765000500100 } from '../../../../migrations/1765000500100-AddExecutionEventIds';
import { KeepForwardedRequestParts1765000500000 } from '../../../../migrations/1765000500000-KeepForwardedRequestParts';
import { AddReconciliation1765300000000 } from '../../../../migrations/1765300000000-AddReconciliation';
import { AddDeliveryOrderAndWindows1765100000000 } from '../../../../migrations/1765100000000-AddDeliveryOrderAndWindows';
import { AddFlowGroups1765200000000 } from '../../../../migrations/1765200000000-AddFlowGroups';
import { MoveCredentialHeadersToSecretHeaders1765000000000 } from '../../../../migrations/1765000000000-MoveCredentialHeadersToSecretHeaders';

/** Every migration, in order. Listed explicitly so the app and the CLI run the same set. */
export const MIGRATIONS = [
  CreateCoreSchema1763900000000,
  CreateAlerts1763900100000,
  NotifyTriggerChanges1764000000000,
  AddFlowControl1764000200000,
  AddDeliverySemanticsAndLifecycle1764000300000,
  AddDeadLetterListIndexes1764000300001,
  AddVerificationAndAccess1764000400000,
  AddSilenceAlerts1764000500000,
  CreateRedrives1764000510000,
  AddSlackAlertChannel1764000520000,
  AddTokenExpiryAndAuditDetails1764000530000,
  MoveCredentialHeadersToSecretHeaders1765000000000,
  AddIdempotencyKeyPresets1765000100000,
  AddReceiving1765000200000,
  AddClassificationRules1765000400000,
  KeepForwardedRequestParts1765000500000,
  AddExecutionEventIds1765000500100,
  AddRoutes1765000500200,
  AddReconciliation1765300000000,
  AddExecutionTraceParents1765400000000,
  IndexRoutedExecutions1765600000000,
  AddTriggerHourCounts1765500000000,
  AddDeliveryOrderAndWindows1765100000000,
  AddFlowGroups1765200000000,
  ShareRoutedPayloads1765700000000,
];

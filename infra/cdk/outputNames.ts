/** The stack's CloudFormation output names, shared with whatever reads them back (operator CLI, tests). */
export const outputNames = {
  apiUrl: 'ApiUrl',
  mediaBucketName: 'MediaBucketName',
  storesTableName: 'StoresTableName',
  downloadsTableName: 'DownloadsTableName',
  licensesTableName: 'LicensesTableName',
  libraryTableName: 'LibraryTableName',
  downloadsQueueUrl: 'DownloadsQueueUrl',
  completionsQueueUrl: 'CompletionsQueueUrl',
  downloadsDlqUrl: 'DownloadsDlqUrl',
  completionsDlqUrl: 'CompletionsDlqUrl',
  slowCallbacksQueueUrl: 'SlowCallbacksQueueUrl',
  slowCallbacksDlqUrl: 'SlowCallbacksDlqUrl',
  secretsKeyId: 'SecretsKeyId',
  listenerIssuer: 'ListenerIssuer',
  listenerAudience: 'ListenerAudience',
} as const;

import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { JOB_TABLE } from './table-shape';

/** Creates the table as the stack does (on-demand, the status index, TTL), unless it exists. */
export async function ensureJobTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: JOB_TABLE.partitionKey, AttributeType: 'S' },
          { AttributeName: JOB_TABLE.statusIndex.partitionKey, AttributeType: 'S' },
          { AttributeName: JOB_TABLE.statusIndex.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: JOB_TABLE.partitionKey, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: JOB_TABLE.statusIndex.name,
            KeySchema: [
              { AttributeName: JOB_TABLE.statusIndex.partitionKey, KeyType: 'HASH' },
              { AttributeName: JOB_TABLE.statusIndex.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE' && Table.GlobalSecondaryIndexes?.every((index) => index.IndexStatus === 'ACTIVE')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await client
    .send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: JOB_TABLE.ttlAttribute, Enabled: true },
      }),
    )
    // dynalite does not implement TTL; DynamoDB itself has it from the stack.
    .catch(() => undefined);
}

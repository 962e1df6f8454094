/**
 * The DynamoDB substrate: the storage ports of {@code dev.maestro.core.substrate} over four
 * DynamoDB tables, built on conditional writes and {@code TransactWriteItems}. Entry points are
 * {@link dev.maestro.aws.dynamodb.DynamoSubstrate}, {@link dev.maestro.aws.dynamodb.DynamoTables}
 * and {@link dev.maestro.aws.dynamodb.DynamoSchema}; the stores themselves are package-private.
 */
package dev.maestro.aws.dynamodb;

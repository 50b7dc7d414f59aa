// The @neo4j/graphql baseline: the shared reads of datamap's benchmark over the same Neo4j.
// Type definitions follow graph/MODEL.md, named like datamap's schema where the two overlap.
// Environment: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE, PORT (on 127.0.0.1).
import { createServer } from "node:http";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

const typeDefs = /* GraphQL */ `
  extend schema @mutation(operations: []) @subscription(events: [])

  type Operation @relationshipProperties {
    role: String
  }

  type Engagement @relationshipProperties {
    role: String
    service: String
  }

  type System @node {
    key: String! @alias(property: "id")
    name: String
    kind: String
    ownerTeam: String @alias(property: "owner_team")
    deletionMethod: String @alias(property: "deletion_method")
    operator: [Organisation!]!
      @relationship(type: "OPERATED_BY", direction: OUT, properties: "Operation")
    hostingCountries: [Country!]! @relationship(type: "HOSTED_IN", direction: OUT)
    storages: [Storage!]! @relationship(type: "IN_SYSTEM", direction: IN)
  }

  type Organisation @node {
    key: String! @alias(property: "id")
    legalName: String @alias(property: "legal_name")
    country: String
    isSelf: Boolean @alias(property: "is_self")
    establishedIn: [Country!]! @relationship(type: "ESTABLISHED_IN", direction: OUT)
    subProcessors: [Organisation!]!
      @relationship(type: "ENGAGES", direction: OUT, properties: "Engagement")
  }

  type Country @node {
    code: String!
    name: String
    eu: Boolean
    eea: Boolean
  }

  type Storage @node {
    key: String! @alias(property: "id")
    categories: [DataCategory!]! @relationship(type: "OF_CATEGORY", direction: OUT)
    subject: [DataSubject!]! @relationship(type: "OF_SUBJECT", direction: OUT)
  }

  type DataCategory @node {
    key: String!
    name: String
  }

  type DataSubject @node {
    key: String!
    name: String
  }
`;

const env = process.env;
const driver = neo4j.driver(
  env.NEO4J_URI ?? "bolt://127.0.0.1:7687",
  neo4j.auth.basic(env.NEO4J_USER ?? "neo4j", env.NEO4J_PASSWORD ?? "neo4j"),
  { maxConnectionPoolSize: 100 },
);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const database = env.NEO4J_DATABASE ?? "neo4j";
const yoga = createYoga({
  schema,
  graphiql: false,
  landingPage: false,
  logging: false,
  context: () => ({ sessionConfig: { database } }),
});
const port = Number(env.PORT ?? 4000);
createServer(yoga).listen(port, "127.0.0.1", () => {
  console.log(`neo4j-graphql listening on http://127.0.0.1:${port}/graphql`);
});

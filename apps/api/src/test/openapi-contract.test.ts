import { describe, expect, it } from "vitest";
import { type Answer, OpenApiContract, type OpenApiDocument } from "./openapi-contract.ts";

const doc: OpenApiDocument = {
  paths: {
    "/things/{id}": {
      get: {
        operationId: "getThing",
        responses: {
          "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
          "404": {
            content: {
              "application/json": {
                schema: {
                  allOf: [{ $ref: "#/components/schemas/Error" }],
                  properties: { code: { enum: ["NOT_FOUND"] } },
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: "object",
        required: ["id", "price"],
        properties: { id: { type: "string", format: "uuid" }, price: { type: "integer", minimum: 0 } },
      },
      Error: {
        type: "object",
        required: ["code", "message"],
        properties: { code: { type: "string" }, message: { type: "string" } },
      },
    },
  },
};

const json = (status: number, body: unknown): Answer => ({
  status,
  headers: new Headers({ "content-type": "application/json; charset=UTF-8" }),
  body,
});
const id = "4b0b3c3e-8f7a-4d57-9a0e-1f2b3c4d5e6f";

describe("checking an answer against the document", () => {
  it("passes an answer with a listed status whose body fits that status's schema", () => {
    const contract = new OpenApiContract(doc);
    expect(contract.problems("GET /things/{id}", json(200, { id, price: 5 }))).toEqual([]);
    expect(contract.problems("GET /things/{id}", json(404, { code: "NOT_FOUND", message: "no" }))).toEqual(
      [],
    );
    expect([...(contract.seen.get("GET /things/{id}") ?? [])]).toEqual(["200", "404"]);
  });

  it("fails a status the document does not list, a field it does not name, a format, a minimum and an enum", () => {
    const contract = new OpenApiContract(doc);
    const problems = (answer: Answer) => contract.problems("GET /things/{id}", answer).join("\n");
    expect(problems(json(410, {}))).toContain("does not list");
    expect(problems(json(200, { id, price: 5, extra: true }))).toContain("additional properties");
    expect(problems(json(200, { id: "nope", price: 5 }))).toContain("format");
    expect(problems(json(200, { id, price: -1 }))).toContain(">= 0");
    expect(problems(json(404, { code: "GONE", message: "no" }))).toContain("allowed values");
    expect(problems({ ...json(200, ""), headers: new Headers({ "content-type": "text/html" }) })).toContain(
      "text/html",
    );
  });
});

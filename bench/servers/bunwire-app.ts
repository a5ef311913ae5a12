// bunwire through the App front door (`bunwire()`) with its defaults (origin check on, no caps, no rate limit).
import { serveBenchApp } from "./app-routes.ts";

serveBenchApp({});
